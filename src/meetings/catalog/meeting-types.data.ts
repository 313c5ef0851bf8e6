// Generated from ../shared/fixtures (Meeting Guide spec data/types.json and BMLT's default
// English formats, both MIT). Codes are case-sensitive; keep them as strings.

/** The Meeting Guide type codes with their English names. */
export const MEETING_GUIDE_TYPES: Readonly<Record<string, string>> = {
  '11': '11th Step Meditation',
  '12x12': '12 Steps & 12 Traditions',
  A: 'Secular',
  ABSI: 'As Bill Sees It',
  AF: 'Afrikaans',
  AL: 'Concurrent with Alateen',
  'AL-AN': 'Concurrent with Al-Anon',
  AM: 'Amharic',
  AR: 'Arabic',
  ASL: 'American Sign Language',
  B: 'Big Book',
  BA: 'Babysitting Available',
  BE: 'Newcomer',
  BG: 'Bulgarian',
  BI: 'Bisexual',
  BRK: 'Breakfast',
  C: 'Closed',
  CAN: 'Candlelight',
  CF: 'Child-Friendly',
  D: 'Discussion',
  DA: 'Danish',
  DB: 'Digital Basket',
  DD: 'Dual Diagnosis',
  DE: 'German',
  DR: 'Daily Reflections',
  EL: 'Greek',
  EN: 'English',
  FA: 'Persian',
  FF: 'Fragrance Free',
  FI: 'Finnish',
  FR: 'French',
  G: 'Gay',
  GR: 'Grapevine',
  H: 'Birthday',
  HE: 'Hebrew',
  HI: 'Hindi',
  HR: 'Croatian',
  HU: 'Hungarian',
  IS: 'Icelandic',
  ITA: 'Italian',
  JA: 'Japanese',
  KA: 'Georgian',
  KOR: 'Korean',
  L: 'Lesbian',
  LGBTQ: 'LGBTQ',
  LIT: 'Literature',
  LS: 'Living Sober',
  LT: 'Lithuanian',
  M: 'Men',
  MED: 'Meditation',
  ML: 'Malayalam',
  MT: 'Maltese',
  N: 'Native American',
  NB: 'Non-Binary',
  NDG: 'Indigenous',
  NE: 'Nepali',
  NL: 'Dutch',
  NO: 'Norwegian',
  O: 'Open',
  OUT: 'Outdoor',
  P: 'Professionals',
  POA: 'Proof of Attendance',
  POC: 'People of Color',
  POL: 'Polish',
  POR: 'Portuguese',
  PUN: 'Punjabi',
  RUS: 'Russian',
  S: 'Spanish',
  SEN: 'Seniors',
  SK: 'Slovak',
  SL: 'Slovenian',
  SM: 'Smoking Permitted',
  SP: 'Speaker',
  ST: 'Step Study',
  SV: 'Swedish',
  T: 'Transgender',
  TC: 'Location Temporarily Closed',
  TH: 'Thai',
  TL: 'Tagalog',
  TR: 'Tradition Study',
  TUR: 'Turkish',
  UK: 'Ukrainian',
  W: 'Women',
  X: 'Wheelchair Access',
  XB: 'Wheelchair-Accessible Bathroom',
  XT: 'Cross Talk Permitted',
  Y: 'Young People',
};

/**
 * Narcotics Anonymous formats (BMLT's defaults) with no Meeting Guide equivalent. Their keys do
 * not collide with Meeting Guide codes; those that would (B, SL) are mapped instead.
 */
export const NA_TYPES: Readonly<Record<string, { name: string; description: string }>> = {
  BL: {
    name: 'Bi-Lingual',
    description: 'This Meeting can be attended by speakers of English and another language.',
  },
  BT: {
    name: 'Basic Text',
    description: 'This meeting is focused on discussion of the Basic Text of Narcotics Anonymous.',
  },
  CH: {
    name: 'Closed Holidays',
    description: 'This meeting gathers in a facility that is usually closed on holidays.',
  },
  CS: {
    name: 'Children under Supervision',
    description: 'Well-behaved, supervised children are welcome.',
  },
  IL: {
    name: 'Illness',
    description: 'This meeting is focused on the needs of NA members with chronic illness.',
  },
  IP: {
    name: 'Informational Pamphlet',
    description: 'This meeting is focused on discussion of one or more Informational Pamphlets.',
  },
  IW: {
    name: 'It Works -How and Why',
    description: 'This meeting is focused on discussion of the It Works -How and Why text.',
  },
  JT: {
    name: 'Just for Today',
    description: 'This meeting is focused on discussion of the Just For Today text.',
  },
  NC: { name: 'No Children', description: 'Please do not bring children to this meeting.' },
  Pi: {
    name: 'Pitch',
    description:
      'This meeting has a format that consists of each person who shares picking the next person.',
  },
  RF: {
    name: 'Rotating Format',
    description: 'This meeting has a format that changes for each meeting.',
  },
  Rr: {
    name: 'Round Robin',
    description: 'This meeting has a fixed sharing order (usually a circle.)',
  },
  SC: {
    name: 'Security Cameras',
    description: 'This meeting is held in a facility that has security cameras.',
  },
  SG: {
    name: 'Step Working Guide',
    description: 'This meeting is focused on discussion of the Step Working Guide text.',
  },
  Ti: { name: 'Timer', description: 'This meeting has sharing time limited by a timer.' },
  To: {
    name: 'Topic',
    description: 'This meeting is based upon a topic chosen by a speaker or by group conscience.',
  },
  OE: {
    name: 'Open-Ended',
    description:
      'No fixed duration. The meeting continues until everyone present has had a chance to share.',
  },
  NS: { name: 'No Smoking', description: 'Smoking is not allowed at this meeting.' },
  Ag: { name: 'Agnostic', description: 'Intended for people with varying degrees of Faith.' },
  FD: { name: 'Five and Dime', description: 'Discussion of the Fifth Step and the Tenth Step' },
  AB: {
    name: 'Ask-It-Basket',
    description: 'A topic is chosen from suggestions placed into a basket.',
  },
  RA: {
    name: 'Restricted Attendance',
    description: 'This facility places restrictions on attendees.',
  },
  QA: {
    name: 'Question and Answer',
    description: 'Attendees may ask questions and expect answers from Group members.',
  },
  CP: {
    name: 'Concepts',
    description: 'This meeting is focused on discussion of the twelve concepts of NA.',
  },
  LC: {
    name: 'Living Clean',
    description: 'This is a discussion of the NA book Living Clean -The Journey Continues.',
  },
  GP: {
    name: 'Guiding Principles',
    description:
      'This is a discussion of the NA book Guiding Principles - The Spirit of Our Traditions.',
  },
  SPAD: {
    name: 'A Spiritual Principle a Day',
    description: 'This meeting is focused on discussion of the book A Spiritual Principle a Day.',
  },
};

/**
 * BMLT format keys → Meeting Guide codes, by meaning rather than by letters: BMLT `B` is
 * Beginners (Meeting Guide `BE`), BMLT `SL` is American Sign Language (Meeting Guide `ASL`).
 * `VM` and `HY` describe attendance, not a type; they are read from `venue_type` instead.
 */
export const BMLT_FORMAT_TO_TYPES: Readonly<Record<string, readonly string[]>> = {
  O: ['O'],
  C: ['C'],
  D: ['D'],
  M: ['M'],
  W: ['W'],
  YP: ['Y'],
  ME: ['MED'],
  CL: ['CAN'],
  FIN: ['FI'],
  PER: ['FA'],
  ES: ['S'],
  ENG: ['EN'],
  'L/R': ['LT', 'RUS'],
  B: ['BE'],
  WC: ['X'],
  CW: ['CF'],
  SL: ['ASL'],
  So: ['SP'],
  SD: ['SP', 'D'],
  St: ['ST'],
  Tr: ['TR'],
  TW: ['TR'],
  BK: ['LIT'],
  TC: ['TC'],
  GL: ['LGBTQ'],
};

export const BMLT_ATTENDANCE_FORMATS: ReadonlySet<string> = new Set(['VM', 'HY']);
