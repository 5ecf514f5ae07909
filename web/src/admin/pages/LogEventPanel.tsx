import { useState } from 'react';
import { formatSeconds, quoted } from '../format.ts';
import type { LogEvent } from '../types.ts';
import { Dialog } from '../ui/Dialog.tsx';
import { Facts } from '../ui/Page.tsx';

/** One event in full, beside the list: its main facts, the whole LogEvent as JSON, and filters built from it. */
export function LogEventPanel({ event, onClose, onFilter }: { event: LogEvent; onClose: () => void; onFilter: (filter: string) => void }) {
  const [copied, setCopied] = useState('');
  const json = JSON.stringify(event, null, 2);
  const copy = () => navigator.clipboard.writeText(json).then(() => setCopied('Copied to the clipboard.'), () => setCopied('Could not copy: select the text and copy it yourself.'));
  const as = event.securityContext?.asNumber;
  return (
    <Dialog title={event.displayMessage || event.eventType} onClose={onClose} variant="panel">
      <Facts items={[
        ['Time', formatSeconds(event.published)],
        ['Event type', <code key="type">{event.eventType}</code>],
        ['Outcome', [event.outcome.result, event.outcome.reason].filter(Boolean).join(': ')],
        ['Severity', event.severity],
        ['Actor', `${event.actor.displayName ?? ''} ${event.actor.alternateId ? `(${event.actor.alternateId})` : ''}`.trim() || event.actor.id],
        ['Client IP', event.client?.ipAddress ?? '—'],
        ['Network', as ? `AS${as} ${event.securityContext?.asOrg ?? ''}`.trim() : '—'],
        ['Targets', (event.target ?? []).map((t) => `${t.displayName ?? t.alternateId ?? t.id} (${t.type})`).join(', ') || '—'],
      ]} />
      <div className="button-row">
        <button type="button" className="button-secondary button-small" onClick={() => onFilter(`eventType eq ${quoted(event.eventType)}`)}>Events of this type</button>
        <button type="button" className="button-secondary button-small" onClick={() => onFilter(`actor.id eq ${quoted(event.actor.id)}`)}>Events by this actor</button>
        {event.transaction?.id && <button type="button" className="button-secondary button-small" onClick={() => onFilter(`transaction.id eq ${quoted(event.transaction?.id ?? '')}`)}>Events of this request</button>}
      </div>
      <div className="json-head">
        <h3>Event</h3>
        <button type="button" className="button-secondary button-small" onClick={() => void copy()}>Copy JSON</button>
        <span role="status" className="hint">{copied}</span>
      </div>
      <pre className="json" tabIndex={0} role="region" aria-label="The event as JSON">{json}</pre>
    </Dialog>
  );
}
