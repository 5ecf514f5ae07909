import { adminCall } from '../client.ts';
import { formatDate } from '../format.ts';
import type { Factor, VerifiedAction } from '../types.ts';
import { ErrorBanner } from '../ui/Banner.tsx';
import { ConfirmButton } from '../ui/ConfirmButton.tsx';
import { DataTable, type Column } from '../ui/DataTable.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { Section, StatusBadge } from '../ui/Page.tsx';
import { useLoad, useReloadOn } from '../ui/useLoad.ts';
import { resetOrOffer } from './verification.ts';

const FACTOR_NAMES: Record<string, string> = {
  webauthn: 'Passkey',
  'token:software:totp': 'Authenticator app',
  recovery_code: 'Recovery codes',
};

function factorName(f: Factor): string {
  const name = FACTOR_NAMES[f.factorType] ?? f.factorType;
  return f.factorType === 'recovery_code' ? `${name} (${String(f.profile['remaining'] ?? 0)} left)` : name;
}

/**
 * The user's enrolled factors. An admin resets them (the user enrolls again, signed in or through a link) but
 * never enrolls one: whoever enrolled a factor would hold it. A reset the server refuses until the person is
 * verified offers that verification instead (`onNeedsVerification`); `changes` is bumped by resets made elsewhere
 * on the page, and `onReset` tells the page of one made here.
 */
export function UserFactorsCard({ userId, onNeedsVerification, changes = 0, onReset }: {
  userId: string;
  onNeedsVerification?: (action: VerifiedAction) => void;
  changes?: number;
  onReset?: () => void;
}) {
  const base = `/api/v1/users/${userId}`;
  const { data, error, loading, reload } = useLoad<Factor[]>(`${base}/factors`);
  const factors = data ?? [];
  useReloadOn(changes, reload);

  const reset = async (call: () => Promise<unknown>) => {
    if (!(await resetOrOffer(call, 'RESET_FACTORS', onNeedsVerification))) return;
    // The page's bump of `changes` reads this card again too.
    if (onReset) onReset();
    else reload();
  };

  const columns: Column<Factor>[] = [
    { header: 'Factor', cell: factorName },
    { header: 'Provider', cell: (f) => f.provider },
    { header: 'Status', cell: (f) => <StatusBadge status={f.status} /> },
    { header: 'Enrolled', cell: (f) => formatDate(f.created), className: 'nowrap' },
    {
      header: 'Actions',
      className: 'actions-cell',
      cell: (f) => (
        <ConfirmButton label={<>Reset<span className="visually-hidden"> {factorName(f)}</span></>} title={`Reset this ${factorName(f)}?`} confirmLabel="Reset factor"
          onConfirm={() => reset(() => adminCall('DELETE', `${base}/factors/${f.id}`))}>
          <p>The factor is removed; they cannot use it to sign in any more and must enroll it again.</p>
        </ConfirmButton>
      ),
    },
  ];

  return (
    <Section
      title="Factors"
      description="Admins reset factors; only the user enrolls them."
      actions={factors.length > 0 && (
        <ConfirmButton label="Reset all factors" title="Reset every factor?" confirmLabel="Reset all factors"
          onConfirm={() => reset(() => adminCall('POST', `${base}/lifecycle/reset_factors`))}>
          <p>Every factor they have is removed. If the sign-on policy asks for one, they must enroll again at their next sign-in.</p>
        </ConfirmButton>
      )}
    >
      <ErrorBanner message={error} />
      <DataTable caption="Factors of this user" columns={columns} rows={factors} rowKey={(f) => f.id} loading={loading} empty={<EmptyState title="No factors enrolled" />} />
    </Section>
  );
}
