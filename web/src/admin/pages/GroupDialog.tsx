import { useState, type FormEvent } from 'react';
import { adminCall } from '../client.ts';
import type { Group } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { Dialog } from '../ui/Dialog.tsx';
import { FormActions, TextAreaField, TextField } from '../ui/Fields.tsx';
import { useRunner } from '../ui/useRunner.ts';

/** Creates a group, or renames and re-describes `group`. */
export function GroupDialog({ group, onClose, onSaved }: { group?: Group; onClose: () => void; onSaved: (g: Group) => void }) {
  const [name, setName] = useState(group?.profile.name ?? '');
  const [description, setDescription] = useState(group?.profile.description ?? '');
  const { busy, error, run } = useRunner();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const profile = { name: name.trim(), description: description.trim() || null };
    void run(async () => {
      const saved = group
        ? await adminCall<Group>('PUT', `/api/v1/groups/${group.id}`, { profile })
        : await adminCall<Group>('POST', '/api/v1/groups', { profile });
      onSaved(saved);
      onClose();
    });
  };
  return (
    <Dialog title={group ? 'Edit group' : 'Add group'} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <TextField label="Name" value={name} onValue={setName} required maxLength={255} pattern=".*\S.*" autoComplete="off" />
        <TextAreaField label="Description" value={description} onValue={setDescription} maxLength={1024} rows={3} />
        <ErrorBanner message={error} />
        <FormActions>
          <button type="button" className="button-secondary" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="submit" className="button-primary" disabled={busy}>{group ? 'Save' : 'Add group'}</button>
        </FormActions>
      </form>
    </Dialog>
  );
}
