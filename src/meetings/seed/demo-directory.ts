/**
 * A made-up but realistic meeting directory, as Meeting Guide records: the demo data of
 * `npm run seed` and the load of the search benchmark. Deterministic for a given seed, so a
 * benchmark run can be repeated exactly. Every name, address and link here is invented.
 */

interface City {
  name: string;
  state: string;
  country: string;
  timezone: string;
  lat: number;
  lng: number;
  postal: string;
}

const CITIES: readonly City[] = [
  {
    name: 'Seattle',
    state: 'WA',
    country: 'US',
    timezone: 'America/Los_Angeles',
    lat: 47.6062,
    lng: -122.3321,
    postal: '981',
  },
  {
    name: 'Portland',
    state: 'OR',
    country: 'US',
    timezone: 'America/Los_Angeles',
    lat: 45.5152,
    lng: -122.6784,
    postal: '972',
  },
  {
    name: 'Los Angeles',
    state: 'CA',
    country: 'US',
    timezone: 'America/Los_Angeles',
    lat: 34.0522,
    lng: -118.2437,
    postal: '900',
  },
  {
    name: 'Phoenix',
    state: 'AZ',
    country: 'US',
    timezone: 'America/Phoenix',
    lat: 33.4484,
    lng: -112.074,
    postal: '850',
  },
  {
    name: 'Denver',
    state: 'CO',
    country: 'US',
    timezone: 'America/Denver',
    lat: 39.7392,
    lng: -104.9903,
    postal: '802',
  },
  {
    name: 'Chicago',
    state: 'IL',
    country: 'US',
    timezone: 'America/Chicago',
    lat: 41.8781,
    lng: -87.6298,
    postal: '606',
  },
  {
    name: 'Austin',
    state: 'TX',
    country: 'US',
    timezone: 'America/Chicago',
    lat: 30.2672,
    lng: -97.7431,
    postal: '787',
  },
  {
    name: 'Atlanta',
    state: 'GA',
    country: 'US',
    timezone: 'America/New_York',
    lat: 33.749,
    lng: -84.388,
    postal: '303',
  },
  {
    name: 'New York',
    state: 'NY',
    country: 'US',
    timezone: 'America/New_York',
    lat: 40.7128,
    lng: -74.006,
    postal: '100',
  },
  {
    name: 'Boston',
    state: 'MA',
    country: 'US',
    timezone: 'America/New_York',
    lat: 42.3601,
    lng: -71.0589,
    postal: '021',
  },
  {
    name: 'Anchorage',
    state: 'AK',
    country: 'US',
    timezone: 'America/Anchorage',
    lat: 61.2181,
    lng: -149.9003,
    postal: '995',
  },
  {
    name: 'Honolulu',
    state: 'HI',
    country: 'US',
    timezone: 'Pacific/Honolulu',
    lat: 21.3069,
    lng: -157.8583,
    postal: '968',
  },
  {
    name: 'Toronto',
    state: 'ON',
    country: 'CA',
    timezone: 'America/Toronto',
    lat: 43.6532,
    lng: -79.3832,
    postal: 'M5V',
  },
  {
    name: 'Vancouver',
    state: 'BC',
    country: 'CA',
    timezone: 'America/Vancouver',
    lat: 49.2827,
    lng: -123.1207,
    postal: 'V6B',
  },
  {
    name: 'London',
    state: 'England',
    country: 'GB',
    timezone: 'Europe/London',
    lat: 51.5074,
    lng: -0.1278,
    postal: 'EC1',
  },
  {
    name: 'Dublin',
    state: 'Leinster',
    country: 'IE',
    timezone: 'Europe/Dublin',
    lat: 53.3498,
    lng: -6.2603,
    postal: 'D02',
  },
  {
    name: 'Sydney',
    state: 'NSW',
    country: 'AU',
    timezone: 'Australia/Sydney',
    lat: -33.8688,
    lng: 151.2093,
    postal: '200',
  },
  {
    name: 'Perth',
    state: 'WA',
    country: 'AU',
    timezone: 'Australia/Perth',
    lat: -31.9505,
    lng: 115.8605,
    postal: '600',
  },
  {
    name: 'Auckland',
    state: 'Auckland',
    country: 'NZ',
    timezone: 'Pacific/Auckland',
    lat: -36.8485,
    lng: 174.7633,
    postal: '101',
  },
  {
    name: 'Mumbai',
    state: 'MH',
    country: 'IN',
    timezone: 'Asia/Kolkata',
    lat: 19.076,
    lng: 72.8777,
    postal: '400',
  },
  {
    name: 'Cape Town',
    state: 'WC',
    country: 'ZA',
    timezone: 'Africa/Johannesburg',
    lat: -33.9249,
    lng: 18.4241,
    postal: '800',
  },
];

interface FellowshipProfile {
  slug: string;
  weight: number;
  names: readonly string[];
  /** Type codes to draw from (each meeting gets an open/closed code plus one or two of these). */
  types: readonly string[];
}

const FELLOWSHIPS: readonly FellowshipProfile[] = [
  {
    slug: 'aa',
    weight: 40,
    names: [
      'Serenity',
      'Living Sober',
      'Big Book Study',
      'Early Birds',
      'Came to Believe',
      'Keep It Simple',
      'Into Action',
      'Happy Hour',
      'Sunlight of the Spirit',
      'Twelve and Twelve',
    ],
    types: ['D', 'B', 'SP', 'ST', '12x12', 'BE', 'W', 'M', 'Y', 'LGBTQ', 'X', 'MED'],
  },
  {
    slug: 'na',
    weight: 20,
    names: [
      'Just for Today',
      'Clean and Serene',
      'Never Alone',
      'Recovery Road',
      'Miracles Happen',
      'Basic Text Study',
      'New Beginnings',
    ],
    types: ['D', 'SP', 'BE', 'JT', 'BT', 'IP', 'W', 'M', 'X'],
  },
  {
    slug: 'ca',
    weight: 6,
    names: ['Hope Happens', 'Freedom Group', 'Stepping Out'],
    types: ['D', 'SP', 'ST', 'BE'],
  },
  {
    slug: 'cma',
    weight: 4,
    names: ['Crystal Clear', 'Second Chances', 'Tweakers No More'],
    types: ['D', 'ST', 'BE', 'LGBTQ'],
  },
  {
    slug: 'ha',
    weight: 3,
    names: ['Heroin Anonymous Fellowship', 'Courage to Change'],
    types: ['D', 'ST', 'BE'],
  },
  { slug: 'ma', weight: 3, names: ['Clear Heads', 'Higher Ground'], types: ['D', 'ST'] },
  {
    slug: 'celebrate-recovery',
    weight: 5,
    names: ['Celebrate Recovery Night', 'Freedom Friday'],
    types: ['SP', 'D', 'W', 'M'],
  },
  {
    slug: 'smart-recovery',
    weight: 8,
    names: ['SMART Recovery Tools', 'SMART Family & Friends', 'SMART Discussion'],
    types: ['D', 'A'],
  },
  {
    slug: 'recovery-dharma',
    weight: 5,
    names: ['Recovery Dharma Sangha', 'Mindful Recovery'],
    types: ['MED', 'D', 'A'],
  },
  {
    slug: 'lifering',
    weight: 3,
    names: ['LifeRing Secular Recovery', 'Sober Today'],
    types: ['D', 'A'],
  },
  {
    slug: 'women-for-sobriety',
    weight: 2,
    names: ['New Life Circle', 'WFS Connect'],
    types: ['W', 'D'],
  },
  {
    slug: 'refuge-recovery',
    weight: 1,
    names: ['Refuge Recovery Meditation'],
    types: ['MED', 'D'],
  },
];

const STREETS = [
  'Main St',
  'Oak Ave',
  'Church St',
  'Maple Dr',
  'Park Blvd',
  'Cedar Ln',
  'Union St',
  'Elm St',
  'Lake Rd',
  'Hill St',
];
const VENUES = [
  'Community Center',
  'Grace Church Hall',
  'St. Mark’s Parish Hall',
  'Alano Club',
  'Public Library, Room B',
  'Recovery Café',
  'Unity Hall',
  'YMCA',
];
const TIMES = [360, 420, 450, 480, 720, 750, 1020, 1080, 1110, 1140, 1170, 1200, 1260, 1320, 1380];
const DURATIONS = [60, 60, 60, 60, 90, 90, 120];

/** mulberry32: small, fast and good enough for test data. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hhmm(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

export interface DemoOptions {
  count: number;
  seed?: number;
  /** Spread meetings up to this many km from city centres (default 25). */
  spreadKm?: number;
}

/** `count` Meeting Guide records with unique slugs. */
export function demoDirectory(options: DemoOptions): Record<string, unknown>[] {
  const rand = random(options.seed ?? 20261122);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const totalWeight = FELLOWSHIPS.reduce((s, f) => s + f.weight, 0);
  const pickFellowship = (): FellowshipProfile => {
    let r = rand() * totalWeight;
    for (const f of FELLOWSHIPS) {
      r -= f.weight;
      if (r <= 0) return f;
    }
    return FELLOWSHIPS[0] as FellowshipProfile;
  };
  const spread = (options.spreadKm ?? 25) / 111;
  const meetings: Record<string, unknown>[] = [];
  for (let i = 0; i < options.count; i++) {
    const city = pick(CITIES);
    const fellowship = pickFellowship();
    const name = `${pick(fellowship.names)}${rand() < 0.3 ? ` ${pick(['Noon', 'Night', 'Morning', 'Weekend'])}` : ''}`;
    const start = pick(TIMES) + (rand() < 0.1 ? 15 : 0);
    const days =
      rand() < 0.75 ? [Math.floor(rand() * 7)] : rand() < 0.5 ? [1, 3, 5] : [0, 1, 2, 3, 4, 5, 6];
    const attendance = rand();
    const online = attendance < 0.3;
    const hybrid = attendance >= 0.3 && attendance < 0.45;
    const types = [rand() < 0.6 ? 'O' : 'C', pick(fellowship.types)];
    if (rand() < 0.4) types.push(pick(fellowship.types));
    const record: Record<string, unknown> = {
      slug: `${city.name.toLowerCase().replace(/[^a-z]+/g, '-')}-${fellowship.slug}-${i + 1}`,
      name,
      fellowship: fellowship.slug,
      day: days.length === 1 ? days[0] : days,
      time: hhmm(start),
      end_time: hhmm(start + pick(DURATIONS)),
      timezone: city.timezone,
      types: [...new Set(types)],
      city: city.name,
      state: city.state,
      country: city.country,
      region: city.name,
      group: `${name} Group`,
    };
    if (online) {
      record.approximate = 'yes';
      record.formatted_address = `${city.name}, ${city.state}, ${city.country}`;
      record.conference_url = `https://video.example.org/j/${100000000 + Math.floor(rand() * 899999999)}`;
      record.conference_url_notes = 'Passcode: recovery';
    } else {
      const number = 10 + Math.floor(rand() * 4990);
      const street = pick(STREETS);
      record.location = pick(VENUES);
      record.address = `${number} ${street}`;
      record.postal_code = `${city.postal}${String(Math.floor(rand() * 99)).padStart(2, '0')}`;
      record.formatted_address = `${number} ${street}, ${city.name}, ${city.state} ${record.postal_code as string}, ${city.country}`;
      record.latitude = Math.round((city.lat + (rand() - 0.5) * 2 * spread) * 1e5) / 1e5;
      record.longitude = Math.round((city.lng + (rand() - 0.5) * 2 * spread) * 1e5) / 1e5;
      record.approximate = 'no';
      if (hybrid) {
        record.conference_url = `https://video.example.org/j/${100000000 + Math.floor(rand() * 899999999)}`;
        record.conference_phone = `+1555${String(1000000 + Math.floor(rand() * 8999999))}`;
      }
      if (rand() < 0.3) record.location_notes = 'Use the side door; parking behind the building.';
    }
    if (rand() < 0.4)
      record.notes = pick([
        'Newcomers welcome.',
        'Literature available.',
        'Childcare on request.',
        'Fragrance-free room, please.',
        'Business meeting first Sunday.',
      ]);
    meetings.push(record);
  }
  return meetings;
}

export { CITIES as DEMO_CITIES };
