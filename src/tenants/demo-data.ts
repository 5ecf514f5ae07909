/**
 * Sample people for the demo tenant, with every profile column of the 2023 help-center report (CONTEXT.md):
 * name, username, email, company, user type, address, phones, time zone, title. Invented, deterministic.
 */
const FIRST = ['Ada', 'Grace', 'Alan', 'Katherine', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances', 'Tim', 'Radia', 'Whitfield', 'Hedy', 'Claude', 'Joan', 'Vint', 'Sophie', 'Edsger', 'Shafi', 'Leslie', 'Adele', 'Donald', 'Lynn', 'Niklaus'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Johnson', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Allen', 'Berners-Lee', 'Perlman', 'Diffie', 'Lamarr', 'Shannon', 'Clarke', 'Cerf', 'Wilson', 'Dijkstra', 'Goldwasser', 'Lamport', 'Goldberg', 'Knuth', 'Conway', 'Wirth'];
const PLACES = [
  { city: 'San Francisco', state: 'CA', zipCode: '94105', countryCode: 'US', timezone: 'America/Los_Angeles', phone: '+1 415 555' },
  { city: 'New York', state: 'NY', zipCode: '10013', countryCode: 'US', timezone: 'America/New_York', phone: '+1 212 555' },
  { city: 'Austin', state: 'TX', zipCode: '78701', countryCode: 'US', timezone: 'America/Chicago', phone: '+1 512 555' },
  { city: 'London', state: 'England', zipCode: 'EC1A 1BB', countryCode: 'GB', timezone: 'Europe/London', phone: '+44 20 7946' },
  { city: 'Berlin', state: 'Berlin', zipCode: '10115', countryCode: 'DE', timezone: 'Europe/Berlin', phone: '+49 30 5557' },
];
const TITLES = ['Software Engineer', 'Support Engineer', 'Financial Analyst', 'IT Administrator', 'Product Manager', 'Account Executive'];
const STREETS = ['Market St', 'Broadway', 'Congress Ave', 'Aldersgate St', 'Friedrichstr.'];

/** `password`: one of the few who sign in with a password (the others are invited to enroll a passkey). */
export type DemoUser = { profile: Record<string, string>; department: string; password: boolean };

/** The demo people's email domain. */
export const DEMO_DOMAIN = 'demo.example.com';

export const DEMO_GROUPS = [
  { name: 'Engineering', description: 'Builds the product' },
  { name: 'Support', description: 'Customer support engineers' },
  { name: 'Finance', description: 'Finance and accounting' },
  { name: 'IT Admins', description: 'Runs internal IT' },
] as const;

export function demoUsers(domain: string, count = 50): DemoUser[] {
  return Array.from({ length: count }, (_, i) => {
    const firstName = FIRST[i % FIRST.length] as string;
    const lastName = LAST[(i * 7) % LAST.length] as string;
    const place = PLACES[i % PLACES.length] as (typeof PLACES)[number];
    const login = `${firstName}.${lastName}${i >= FIRST.length ? i : ''}`.toLowerCase().replace(/[^a-z0-9.]/g, '') + `@${domain}`;
    const title = TITLES[i % TITLES.length] as string;
    const n = String(1000 + i).slice(-4);
    return {
      department: DEMO_GROUPS[i % DEMO_GROUPS.length]!.name,
      password: i % 12 === 5,
      profile: {
        login,
        email: login,
        firstName,
        lastName,
        organization: 'Demo Corp',
        userType: i % 10 === 0 ? 'Contractor' : 'Employee',
        title,
        streetAddress: `${100 + i} ${STREETS[i % STREETS.length]}`,
        city: place.city,
        state: place.state,
        zipCode: place.zipCode,
        countryCode: place.countryCode,
        primaryPhone: `${place.phone} ${n}`,
        mobilePhone: `${place.phone} ${String(5000 + i).slice(-4)}`,
        timezone: place.timezone,
      },
    };
  });
}
