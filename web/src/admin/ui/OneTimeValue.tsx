import { useId } from 'react';
import { CopyField } from './CopyField.tsx';

/**
 * A secret or link shown once (an API token, an activation link): selectable, with a copy button, and the
 * warning that it will not be shown again.
 */
export function OneTimeValue({ label, value, warning }: { label: string; value: string; warning: string }) {
  const warningId = useId();
  return (
    <div className="one-time">
      <p id={warningId} className="banner banner-warning">{warning}</p>
      <CopyField label={label} value={value} describedBy={warningId} />
    </div>
  );
}
