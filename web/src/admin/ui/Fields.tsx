import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

/**
 * Form controls, each with its label and an optional hint tied to it (aria-describedby), so every control
 * says what it is and what it accepts.
 */
type Common = { label: string; hint?: ReactNode };

function Hint({ id, hint }: { id: string; hint: ReactNode }) {
  return <span id={id} className="hint">{hint}</span>;
}

export function TextField({ label, hint, value, onValue, ...rest }: Common & { value: string; onValue: (v: string) => void } & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">{label}</label>
      <input {...rest} id={id} value={value} onChange={(e) => onValue(e.target.value)} aria-describedby={hint ? `${id}-hint` : undefined} />
      {hint && <Hint id={`${id}-hint`} hint={hint} />}
    </div>
  );
}

/** A whole number within bounds, which the hint states. */
export function NumberField({ label, hint, value, onValue, min, max, ...rest }: Common & { value: number; onValue: (v: number) => void; min: number; max: number } & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'min' | 'max' | 'type'>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">{label}</label>
      <input
        {...rest}
        id={id}
        type="number"
        inputMode="numeric"
        step={1}
        min={min}
        max={max}
        value={Number.isNaN(value) ? '' : value}
        onChange={(e) => onValue(e.target.valueAsNumber)}
        aria-describedby={`${id}-hint`}
        required
      />
      <Hint id={`${id}-hint`} hint={<>{hint ? <>{hint} </> : null}From {min} to {max}.</>} />
    </div>
  );
}

export function TextAreaField({ label, hint, value, onValue, ...rest }: Common & { value: string; onValue: (v: string) => void } & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange'>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">{label}</label>
      <textarea {...rest} id={id} value={value} onChange={(e) => onValue(e.target.value)} aria-describedby={hint ? `${id}-hint` : undefined} />
      {hint && <Hint id={`${id}-hint`} hint={hint} />}
    </div>
  );
}

export function CheckboxField({ label, hint, checked, onChecked, ...rest }: Common & { checked: boolean; onChecked: (v: boolean) => void } & Omit<InputHTMLAttributes<HTMLInputElement>, 'checked' | 'onChange' | 'type'>) {
  const hintId = useId();
  return (
    <div className="checkbox-field">
      <label>
        <input {...rest} type="checkbox" checked={checked} onChange={(e) => onChecked(e.target.checked)} aria-describedby={hint ? hintId : undefined} />
        <span>{label}</span>
      </label>
      {hint && <Hint id={hintId} hint={hint} />}
    </div>
  );
}

type Option<V extends string> = { value: V; label: string };

export function SelectField<V extends string>({ label, hint, value, onValue, options, ...rest }: Common & { value: V; onValue: (v: V) => void; options: readonly Option<V>[] } & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange'>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">{label}</label>
      <select {...rest} id={id} value={value} onChange={(e) => onValue(e.target.value as V)} aria-describedby={hint ? `${id}-hint` : undefined}>
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
      {hint && <Hint id={`${id}-hint`} hint={hint} />}
    </div>
  );
}

/** A set of checkboxes answering one question, grouped so a screen reader reads the question with each. */
export function CheckboxGroup<V extends string>({ legend, options, selected, onSelected }: { legend: string; options: readonly Option<V>[]; selected: readonly V[]; onSelected: (v: V[]) => void }) {
  const toggle = (v: V, on: boolean) => onSelected(on ? [...selected, v] : selected.filter((s) => s !== v));
  return (
    <fieldset className="checkbox-group">
      <legend>{legend}</legend>
      {options.map((o) => (
        <label key={o.value}>
          <input type="checkbox" checked={selected.includes(o.value)} onChange={(e) => toggle(o.value, e.target.checked)} />
          <span>{o.label}</span>
        </label>
      ))}
    </fieldset>
  );
}

/** The Cancel / submit row at the foot of a form. */
export function FormActions({ children }: { children: ReactNode }) {
  return <div className="form-actions">{children}</div>;
}
