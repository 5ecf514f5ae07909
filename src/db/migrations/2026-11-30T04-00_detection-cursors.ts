import { sql, type Kysely } from 'kysely';

/**
 * How far the detection worker (src/detections/worker.ts, docs/detections.md) has read each tenant's System
 * Log: the sequence number of the last event it ran the rules over. It moves in the transaction that raises
 * the alerts those events gave, so a restart neither misses an event nor raises an alert twice. Tenants that
 * exist now start at their current head: detections run over the live log from here on, and a workspace
 * (`bulwark detect --workspace`) is where history is searched.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table detection_cursors (
      tenant_id text not null references tenants (id),
      seq bigint not null,
      updated timestamptz not null,
      primary key (tenant_id)
    );
    insert into detection_cursors (tenant_id, seq, updated) select tenant_id, seq, now() from log_chain_heads;
  `.execute(db);
}
