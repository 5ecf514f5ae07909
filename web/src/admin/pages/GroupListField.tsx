import { useId, useState } from 'react';
import { withQuery } from '../format.ts';
import type { Group } from '../types.ts';
import { SearchPicker } from '../ui/SearchPicker.tsx';

/** A list of groups for a rule's condition: the chosen ones, each removable, and a search to add more. */
export function GroupListField({ legend, ids, names, onIds, onName }: {
  legend: string;
  ids: readonly string[];
  names: ReadonlyMap<string, string>;
  onIds: (ids: string[]) => void;
  onName: (id: string, name: string) => void;
}) {
  const [picking, setPicking] = useState(false);
  const hintId = useId();
  return (
    <fieldset>
      <legend>{legend}</legend>
      {ids.length === 0 ? <p id={hintId} className="hint">None</p> : (
        <ul className="chips">
          {ids.map((id) => (
            <li key={id} className="chip">
              <span>{names.get(id) ?? id}</span>
              <button type="button" className="icon-button" aria-label={`Remove ${names.get(id) ?? id}`} onClick={() => onIds(ids.filter((x) => x !== id))}>×</button>
            </li>
          ))}
        </ul>
      )}
      {picking ? (
        <SearchPicker<Group>
          label={`Find a group (${legend.toLowerCase()})`}
          placeholder="Group name"
          pathFor={(term) => withQuery('/api/v1/groups', term ? { q: term, limit: 10 } : { limit: 10 })}
          describe={(g) => g.profile.name}
          keyOf={(g) => g.id}
          pickLabel="Add"
          disabledKeys={new Set(ids)}
          onPick={(g) => {
            onName(g.id, g.profile.name);
            onIds([...ids, g.id]);
          }}
        />
      ) : (
        <button type="button" className="button-secondary button-small" onClick={() => setPicking(true)}>Add a group</button>
      )}
    </fieldset>
  );
}
