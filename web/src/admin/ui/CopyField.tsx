import { useId, useState } from 'react';

/**
 * A value an admin copies into another system (a client ID, an issuer, a one-time secret): read-only and
 * selected on focus, with a copy button whose result is announced.
 */
export function CopyField({ label, value, describedBy }: { label: string; value: string; describedBy?: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const inputId = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div className="copy-field">
      <label htmlFor={inputId} className="field-label">{label}</label>
      <div className="copy-row">
        <input id={inputId} className="mono" readOnly value={value} aria-describedby={describedBy} onFocus={(e) => e.target.select()} />
        <button type="button" className="button-secondary" onClick={() => void copy()}>Copy<span className="visually-hidden"> {label}</span></button>
      </div>
      <span role="status" className="hint">{copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Could not copy: select the text and copy it yourself.' : ''}</span>
    </div>
  );
}
