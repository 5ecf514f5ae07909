/**
 * The report templates. Each declares its fields (which are personal data, which are shown by default), its
 * filters (which one scopes it to one organization), the filters always applied, and the row threshold above
 * which a run is a bulk export. A template's SQL is made only of the constants here; what a user chooses
 * reaches the database as parameters (render.ts).
 */

export type FilterKind = 'organization' | 'enum' | 'datetime';

export type ReportFilter = {
  name: FilterName;
  label: string;
  kind: FilterKind;
  options?: readonly string[];
  /** The filter that keeps a run to one organization: without it, a template with personal fields is a bulk export. */
  scope: boolean;
};

export type ReportField = {
  name: string;
  label: string;
  personal: boolean;
  default: boolean;
  /** The column's SQL over `v` (help_center_user_versions), already text as a spreadsheet should show it. */
  sql: string;
};

export type ReportTemplate = {
  id: string;
  /** Raised whenever what the template selects or how it renders changes: a download records it, and reconciliation needs the same. */
  version: number;
  name: string;
  description: string;
  rowThreshold: number;
  fields: readonly ReportField[];
  filters: readonly ReportFilter[];
  /** Conditions every run has, whatever the user chose (SQL over `v`). */
  fixed: readonly string[];
};

export type FilterName = 'organization' | 'userType' | 'createdAfter' | 'createdBefore' | 'lastLoginAfter';
export type Filters = Partial<Record<FilterName, string>>;

export const USER_TYPES = ['CUSTOMER', 'ADMIN', 'STAFF'] as const;

const USER_TYPE_SQL = `case when cardinality(v.staff_roles) > 0 then 'Support staff' when cardinality(v.admin_roles) > 0 then 'Customer admin' else 'Customer' end`;

/** The condition each filter adds, over `v`, and the type of its value; `$value` is the value (render.ts binds it). */
export const FILTER_SQL: Record<FilterName, { sql: string; type: 'text' | 'timestamptz' }> = {
  organization: { sql: 'v.tenant_id = $value', type: 'text' },
  userType: { sql: `(case when cardinality(v.staff_roles) > 0 then 'STAFF' when cardinality(v.admin_roles) > 0 then 'ADMIN' else 'CUSTOMER' end) = $value`, type: 'text' },
  createdAfter: { sql: 'v.created >= $value', type: 'timestamptz' },
  createdBefore: { sql: 'v.created < $value', type: 'timestamptz' },
  lastLoginAfter: { sql: 'v.last_sign_in >= $value', type: 'timestamptz' },
};

const text = (column: string): string => `bulwark_sheet_text(v.${column})`;
const time = (column: string): string => `bulwark_sheet_time(v.${column})`;
const roles = '(v.admin_roles || v.staff_roles)';
/** Most support users hold no role: the arrays are joined only for those who do. */
const withRoles = (sql: string): string => `case when cardinality(v.admin_roles) + cardinality(v.staff_roles) > 0 then ${sql} end`;

const field = (name: string, label: string, sql: string, flags: { personal?: boolean; default?: boolean } = {}): ReportField =>
  ({ name, label, sql, personal: flags.personal ?? false, default: flags.default ?? false });

/** The 15 columns of the report taken from a support system in 2023, in its order. */
const SUPPORT_USER_FIELDS: readonly ReportField[] = [
  field('created', 'Created (UTC)', time('created'), { default: true }),
  field('lastLogin', 'Last login (UTC)', time('last_sign_in'), { default: true }),
  field('fullName', 'Full name', text('name'), { personal: true }),
  field('username', 'Username', text('username'), { personal: true }),
  field('email', 'Email', text('email'), { personal: true }),
  field('companyName', 'Company name', text('organization_name'), { default: true }),
  field('userType', 'User type', USER_TYPE_SQL, { default: true }),
  field('address', 'Address', text('address'), { personal: true }),
  field('lastPasswordChange', 'Last password change (UTC)', time('password_changed')),
  field('roleName', 'Role name', withRoles(`array_to_string(${roles}, '; ')`), { default: true }),
  field('roleDescription', 'Role description', withRoles(`bulwark_role_descriptions(${roles})`)),
  field('phone', 'Phone', text('phone'), { personal: true }),
  field('mobilePhone', 'Mobile phone', text('mobile_phone'), { personal: true }),
  field('timeZone', 'Time zone', text('time_zone')),
  field('federationId', 'Federation ID', text('subject'), { personal: true }),
];

const ORGANIZATION: ReportFilter = { name: 'organization', label: 'Organization', kind: 'organization', scope: true };
const DATE_FILTERS: readonly ReportFilter[] = [
  { name: 'createdAfter', label: 'Created on or after', kind: 'datetime', scope: false },
  { name: 'createdBefore', label: 'Created before', kind: 'datetime', scope: false },
  { name: 'lastLoginAfter', label: 'Last login on or after', kind: 'datetime', scope: false },
];

export const TEMPLATES: readonly ReportTemplate[] = [
  {
    id: 'support-users',
    version: 1,
    name: 'All support users',
    description: "Everyone who has signed in to this cell's Help Center: customers, customer admins and support staff.",
    rowThreshold: 500,
    fields: SUPPORT_USER_FIELDS,
    filters: [ORGANIZATION, { name: 'userType', label: 'User type', kind: 'enum', options: USER_TYPES, scope: false }, ...DATE_FILTERS],
    fixed: [],
  },
  {
    id: 'organization-contacts',
    version: 1,
    name: 'Organization contacts',
    description: "The administrators of each organization who use this cell's Help Center: whom to reach about a case.",
    rowThreshold: 100,
    fields: SUPPORT_USER_FIELDS.filter((f) => ['fullName', 'email', 'phone', 'companyName', 'roleName', 'timeZone', 'lastLogin'].includes(f.name))
      .map((f) => ({ ...f, default: ['companyName', 'roleName', 'lastLogin'].includes(f.name) })),
    filters: [ORGANIZATION, ...DATE_FILTERS.slice(2)],
    fixed: ['cardinality(v.admin_roles) > 0', 'cardinality(v.staff_roles) = 0'],
  },
];

export function templateById(id: string): ReportTemplate | undefined {
  return TEMPLATES.find((t) => t.id === id);
}

export const hasPersonalFields = (template: ReportTemplate): boolean => template.fields.some((f) => f.personal);
