import { useId, useState } from 'react';

/**
 * A secret or link shown once (an API token, an activation link): selectable, with a copy button, and the
 * warning that it will not be shown again.
 */
export function OneTimeValue({ label, value, warning }: { label: string; value: string; warning: string }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const inputId = useId();
  const warningId = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div className="one-time">
      <p id={warningId} className="banner banner-warning">{warning}</p>
      <label htmlFor={inputId} className="field-label">{label}</label>
      <div className="copy-row">
        <input id={inputId} className="mono" readOnly value={value} aria-describedby={warningId} onFocus={(e) => e.target.select()} />
        <button type="button" className="button-secondary" onClick={() => void copy()}>Copy</button>
      </div>
      <span role="status" className="hint">{copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Could not copy: select the text and copy it yourself.' : ''}</span>
    </div>
  );
}
