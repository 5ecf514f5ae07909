import { useState, type FormEvent } from 'react';
import { adminCall } from '../client.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { FormActions, SelectField, TextAreaField, TextField } from '../ui/Fields.tsx';
import { useRunner } from '../ui/useRunner.ts';

const items = (text: string) => text.split(/[\s,]+/).map((s) => s.trim()).filter((s) => s !== '');

/** Adds a network zone: IP ranges (CIDR blocks or from-to ranges), or AS numbers and countries. */
export function ZoneDialog({ onClose, onSaved }: { onClose: () => void; onSaved: () => void }) {
  const [name, setName] = useState('');
  const [type, setType] = useState<'IP' | 'DYNAMIC'>('IP');
  const [gateways, setGateways] = useState('');
  const [asns, setAsns] = useState('');
  const [countries, setCountries] = useState('');
  const { busy, error, run } = useRunner();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body = type === 'IP'
      ? { type, name: name.trim(), gateways: items(gateways).map((value) => ({ type: value.includes('-') ? 'RANGE' : 'CIDR', value })) }
      : { type, name: name.trim(), asns: items(asns), locations: items(countries).map((c) => ({ country: c.toUpperCase(), region: null })) };
    void run(async () => {
      await adminCall('POST', '/api/v1/zones', body);
      onSaved();
    });
  };

  return (
    <Dialog title="Add network zone" onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <TextField label="Name" value={name} onValue={setName} required maxLength={128} autoComplete="off" />
        <SelectField label="Type" value={type} onValue={setType} options={[{ value: 'IP', label: 'IP addresses' }, { value: 'DYNAMIC', label: 'Networks (AS numbers) and countries' }]} />
        {type === 'IP' ? (
          <TextAreaField label="Addresses" className="mono" value={gateways} onValue={setGateways} rows={4} required spellCheck={false}
            hint="One per line: a CIDR block (203.0.113.0/24, 2001:db8::/32) or a range (198.51.100.1-198.51.100.20)." />
        ) : (
          <>
            <TextAreaField label="AS numbers" className="mono" value={asns} onValue={setAsns} rows={2} spellCheck={false} hint="Separated by commas or spaces, e.g. 64500, 64501." />
            <TextAreaField label="Countries" className="mono" value={countries} onValue={setCountries} rows={2} spellCheck={false} hint="Two-letter codes separated by commas or spaces, e.g. GB, FR." />
          </>
        )}
        <ErrorBanner message={error} />
        <FormActions>
          <button type="button" className="button-secondary" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="submit" className="button-primary" disabled={busy}>Add zone</button>
        </FormActions>
      </form>
    </Dialog>
  );
}
