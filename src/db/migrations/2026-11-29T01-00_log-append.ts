import { sql, type Kysely } from 'kysely';

/**
 * Appending to a tenant's System Log in one statement, inside the database: the chain head is locked, each
 * event's hash chained (the same formula as src/syslog/chain.ts: SHA-256 of the previous hash's 32 bytes and
 * the event's UTF-8 canonical JSON), the events inserted and the head moved, with no round trip to the
 * application while the head is locked. The columns arrive as one text each, values joined by line breaks
 * (canonical JSON never holds a raw one). Returns the new head's sequence number.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function bulwark_append_events(p_tenant text, p_published timestamptz, p_uuids text, p_types text, p_actors text, p_events text)
    returns bigint language plpgsql as $fn$
    declare
      v_seq bigint;
      v_hash text;
      v_events text[] := string_to_array(p_events, E'\n');
      v_hashes text[] := '{}';
      v_count int := coalesce(array_length(v_events, 1), 0);
    begin
      select seq, hash into v_seq, v_hash from log_chain_heads where tenant_id = p_tenant for update;
      if not found then
        raise exception 'tenant % has no System Log chain head', p_tenant;
      end if;
      for i in 1 .. v_count loop
        v_hash := encode(sha256(decode(v_hash, 'hex') || convert_to(v_events[i], 'UTF8')), 'hex');
        v_hashes := v_hashes || v_hash;
      end loop;
      insert into log_events (tenant_id, seq, uuid, published, event_type, actor_id, event, hash)
      select p_tenant, v_seq + n, uuid::uuid, p_published, event_type, actor_id, event, hash
      from unnest(string_to_array(p_uuids, E'\n'), string_to_array(p_types, E'\n'), string_to_array(p_actors, E'\n'), v_events, v_hashes)
        with ordinality as t(uuid, event_type, actor_id, event, hash, n);
      update log_chain_heads set seq = v_seq + v_count, hash = v_hash where tenant_id = p_tenant;
      return v_seq + v_count;
    end
    $fn$
  `.execute(db);
}

