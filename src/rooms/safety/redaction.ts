/**
 * Removes contact details from a room message before it is stored or broadcast.
 *
 * Rooms are anonymous on purpose: someone in early recovery who posts a phone number, an email
 * address, a link or a social-media handle can be found, pressured or exploited by whoever reads
 * the room. So each contact detail is replaced by a visible placeholder ("[phone removed]"), which
 * also tells the sender why their text changed.
 *
 * Design:
 * - A fixed sequence of passes, each one a regular expression for one kind of detail. The order
 *   matters: links with a scheme first (they may contain "@" and digits), then email addresses
 *   (they contain a domain), then bare domains, then phone numbers, then handles. Placeholders
 *   contain no digit, "@" or ".", so no later pass can match inside an earlier placeholder.
 * - Every pattern is built so that the work per input character is bounded: a negative lookbehind
 *   lets a pattern start only at the beginning of a token rather than at every character of a long
 *   run, repetition counts are bounded, and neighbouring pieces never accept the same characters (a
 *   domain label never contains the dot that separates labels), so a failed attempt cannot retry
 *   an exponential number of splits. Hostile input of any length is handled in linear time.
 * - We prefer over-redacting a word next to a contact cue ("snap: later" loses "later" unless it is
 *   in STOP_WORDS) to leaking a contact detail; but ordinary recovery talk (day counts, step
 *   numbers, times, dates, page numbers, money, "at" and "dot" in sentences) must pass unchanged,
 *   and the test corpus pins both sides.
 *
 * Decided ambiguities:
 * - "me@home", "meet@noon": an "@" inside a word with no domain after it is not an address and is
 *   kept. An address at a large mail provider is redacted even without a top-level domain
 *   ("jane@gmail"), because that is enough to reach the person.
 * - "@name" on its own is always a handle, including "@home": in-room @mentions of other members
 *   are redacted too. "@everyone", "@here", "@all", "@channel", "@mods" and "@admins" are kept.
 *   An "@" followed by a digit or a space ("@7pm", "@ the meeting") is not a handle.
 * - Toll-free North American numbers (800, 888, 877, 866, 855, 844, 833) are kept: they are public
 *   help lines such as the SAMHSA helpline, not anyone's personal number.
 * - A bare domain with no path is a link only for top-level domains that are not common English
 *   words ("example.com", "zoom.us"; not "sober.It"), so a missing space after a full stop does not
 *   produce a link. With a path ("t.me/name", "bit.ly/x") shorter top-level domains count too.
 * - "name at domain.com" with a spelled-out "at" and a literal dot is an email address only for
 *   well-known mail providers ("jane at gmail.com"); otherwise it is a sentence with a link in it
 *   ("meet me at example.com" keeps "meet me at").
 * - A seven-digit local number ("555-1234") is a phone number only after a contact cue such as
 *   "call", "text" or "number", because "800-1200 calories" has the same shape.
 * - Reddit users ("u/name") are handles; subreddits ("r/stopdrinking") are public communities and
 *   are kept.
 * - Links to public recovery sites ("aa.org") are removed like any other link: an allowlist would
 *   be a moderation policy, not something this function should guess.
 *
 * Limitations: ASCII digits only; no deliberate evasion (spelled-out digits "five five five",
 * homoglyphs, digits split by letters, "example dot com" for a link); labelled handles are
 * recognised for the platforms listed in PLATFORMS only; a real name after "FB:" loses only its
 * first word; numbers shaped exactly like a phone number (3-3-4 digits) are redacted whatever they
 * mean.
 */

export type RedactionKind = 'phone' | 'email' | 'url' | 'handle';

export interface RedactionResult {
  text: string;
  /** Distinct kinds found, in the order of REDACTION_KINDS. */
  redacted: RedactionKind[];
  count: number;
}

/** The stable order of `RedactionResult.redacted`. */
export const REDACTION_KINDS: readonly RedactionKind[] = ['phone', 'email', 'url', 'handle'];

export const REDACTION_PLACEHOLDERS: Readonly<Record<RedactionKind, string>> = {
  phone: '[phone removed]',
  email: '[email removed]',
  url: '[link removed]',
  handle: '[handle removed]',
};

/** Letters and digits of any script: addresses and handles are not ASCII-only. */
const W = String.raw`\p{L}\p{N}_`;
/** One DNS label: bounded, and never containing the dot that separates labels. */
const LABEL = String.raw`[\p{L}\p{N}][\p{L}\p{N}-]{0,62}`;
/** Characters that may end a link: a link must not swallow the sentence's own punctuation. */
const URL_BODY = String.raw`[^\s<>"]*[^\s<>"'.,;:!?)\]}]`;

/** Top-level domains that are not English words, safe to recognise without a path. */
const STANDALONE_TLDS = [
  'com',
  'net',
  'org',
  'edu',
  'gov',
  'mil',
  'io',
  'info',
  'biz',
  'app',
  'dev',
  'xyz',
  'co',
  'us',
  'uk',
  'ca',
  'au',
  'nz',
  'ie',
  'de',
  'fr',
  'es',
  'nl',
  'eu',
  'ly',
  'gg',
  'tv',
  'ai',
  'cc',
  'ru',
  'jp',
  'mx',
  'br',
];
/** With a path after them these are links too ("t.me/name", "example.org/page"). */
const PATH_TLDS = [
  ...STANDALONE_TLDS,
  'me',
  'it',
  'in',
  'to',
  'be',
  'so',
  'is',
  'fm',
  'im',
  'la',
  'sh',
  'gl',
  'li',
  'ws',
  'link',
  'live',
  'life',
  'chat',
  'club',
  'church',
  'social',
  'page',
  'blog',
  'shop',
  'store',
  'site',
  'online',
  'world',
  'today',
  'one',
  'news',
  'media',
  'space',
  'email',
  'zone',
  'team',
  'group',
  'video',
];
/** Top-level domains accepted after an obfuscated "at"/"dot": obfuscation names common ones. */
const OBFUSCATED_TLDS = [...STANDALONE_TLDS, 'me'];

/** Mail providers whose name alone identifies an address ("jane@gmail"). */
const BARE_PROVIDERS = [
  'gmail',
  'googlemail',
  'yahoo',
  'ymail',
  'hotmail',
  'outlook',
  'icloud',
  'aol',
  'protonmail',
  'proton',
  'gmx',
  'yandex',
  'comcast',
  'verizon',
  'sbcglobal',
  'fastmail',
  'tutanota',
  'zoho',
];
/** Providers that, with a domain ending, make "name at provider.com" an address. */
const PROVIDERS = [...BARE_PROVIDERS, 'live', 'msn', 'me', 'mac', 'att', 'cox', 'pm', 'mail'];

const alternatives = (words: readonly string[]): string => words.join('|');

const LOCAL = String.raw`[${W}%+-][${W}.%+'-]{0,63}`;
const DOT_WORD = String.raw`(?:\s{1,3}dot\s{1,3}|\s{0,2}[\[({]\s{0,2}(?:dot|\.)\s{0,2}[\])}]\s{0,2})`;
const DOT_ANY = String.raw`(?:\.|${DOT_WORD})`;
const AT_BRACKETED = String.raw`\s{0,2}[\[({<]\s{0,2}at\s{0,2}[\])}>]\s{0,2}`;
const AT_SPACED = String.raw`(?:\s{1,2}@\s{0,2}|@\s{1,2})`;
const AT_WORD = String.raw`\s{1,3}at\s{1,3}`;
/** Not preceded by a word character, nor by the "'" of a contraction ("I'm at ..."). */
const TOKEN_START = String.raw`(?<![${W}.%+@-]|[${W}]')`;

const EMAIL = new RegExp(
  TOKEN_START +
    String.raw`${LOCAL}(?:${DOT_WORD}${LOCAL}){0,3}` +
    '(?:' +
    [
      // jane.doe@example.org
      String.raw`@(?:${LABEL}\.){1,8}[a-z]{2,24}`,
      // jane@gmail
      String.raw`@(?:${alternatives(BARE_PROVIDERS)})`,
      // jane [at] example.com, jane (at) example [dot] com
      String.raw`${AT_BRACKETED}${LABEL}(?:${DOT_ANY}${LABEL}){0,4}${DOT_ANY}(?:${alternatives(OBFUSCATED_TLDS)})`,
      // jane at example dot com, jane @ example [dot] com
      String.raw`(?:${AT_SPACED}|${AT_WORD})${LABEL}(?:${DOT_WORD}${LABEL}){0,4}${DOT_WORD}(?:${alternatives(OBFUSCATED_TLDS)})`,
      // jane at gmail.com
      String.raw`(?:${AT_SPACED}|${AT_WORD})(?:${alternatives(PROVIDERS)})(?:\.[a-z]{2,6}){1,2}`,
    ].join('|') +
    ')' +
    String.raw`(?![${W}@-])`,
  'giu',
);

const SCHEME_URL = new RegExp(
  String.raw`(?<![${W}])(?:https?|ftps?):\/\/${URL_BODY}|(?<![${W}@.-])www\.${URL_BODY}`,
  'giu',
);

const BARE_URL = new RegExp(
  String.raw`(?<![${W}@.%+-]|[${W}]')(?:${LABEL}\.){1,8}` +
    '(?:' +
    String.raw`(?:${alternatives(PATH_TLDS)})(?::\d{1,5})?[/?#](?:${URL_BODY})?` +
    '|' +
    String.raw`(?:${alternatives(STANDALONE_TLDS)})(?::\d{1,5})?(?![${W}-]|\.[${W}])` +
    ')',
  'giu',
);

/** Not glued to a word, a currency sign, a decimal point, a date or another number. */
const NUMBER_START = String.raw`(?<![${W}$€£.,/+-])`;
const NUMBER_END = String.raw`(?![${W}]|[.,/:-]\d)`;
const EXTENSION = String.raw`(?:\s{0,2},?\s{0,2}(?:ext\.?|extension|x|#)\s{0,2}\d{1,6})?`;

/** North American numbers: +1 (555) 123-4567, 1-555-123-4567, 555.123.4567, 5551234567. */
const NANP_PHONE = new RegExp(
  NUMBER_START +
    String.raw`(?:\+\s?1[ .-]{0,3}|1[ .-]{0,3})?(?:\( ?[2-9]\d{2} ?\)|[2-9]\d{2})[ .-]{0,3}\d{3}[ .-]{0,3}\d{4}` +
    EXTENSION +
    NUMBER_END,
  'giu',
);

/** "+44 20 7946 0958": a plus, then 8-15 digits (E.164) in groups; the count is checked after. */
const INTERNATIONAL_PHONE = new RegExp(
  String.raw`(?<![${W}+])\+\s?\d[\d \t().-]{5,22}\d` + EXTENSION + NUMBER_END,
  'giu',
);

/** "020 7946 0958", "07700 900123": national numbers with a trunk 0. */
const TRUNK_PHONE = new RegExp(
  NUMBER_START + String.raw`0\d{1,4}[ .-]?\d{3,4}[ .-]?\d{3,4}` + EXTENSION + NUMBER_END,
  'giu',
);

/** "call me at 555-1234": seven digits count only after a contact cue (see the header). */
const LOCAL_PHONE = new RegExp(
  String.raw`(?<=(?<![${W}])(?:call|text|txt|phone|cell|mobile|number|num|tel|ring|whatsapp|signal|digits)(?:\s{1,3}(?:me|us|is|at|on|me\s{1,3}at|me\s{1,3}on))?[\s:#.-]{0,3})` +
    String.raw`[2-9]\d{2}[.-]\d{4}` +
    EXTENSION +
    NUMBER_END,
  'giu',
);

const PLATFORMS = alternatives([
  'snap(?:chat)?',
  'sc',
  'insta(?:gram)?',
  'ig',
  'facebook',
  'fb',
  'twitter',
  'tiktok',
  'telegram',
  'tg',
  String.raw`whats\s?app`,
  'discord',
  'kik',
  'reddit',
  'bluesky',
  'bsky',
  'skype',
  'wechat',
  'venmo',
  String.raw`cash\s?app`,
  'twitch',
  'linkedin',
  'tumblr',
  'mastodon',
]);

/**
 * Words that follow a platform cue in ordinary sentences ("my insta is private", "add me on snap
 * later"), so they are not taken for a username.
 */
const STOP_WORDS = alternatives([
  'a',
  'an',
  'the',
  'i',
  'im',
  'me',
  'my',
  'you',
  'your',
  'it',
  'its',
  'is',
  'was',
  'are',
  'and',
  'or',
  'but',
  'so',
  'if',
  'to',
  'too',
  'also',
  'later',
  'tonight',
  'today',
  'tomorrow',
  'now',
  'soon',
  'sometime',
  'anytime',
  'please',
  'pls',
  'plz',
  'lol',
  'haha',
  'ok',
  'okay',
  'thanks',
  'thx',
  'that',
  'this',
  'what',
  'when',
  'where',
  'why',
  'how',
  'not',
  'no',
  'yes',
  'yeah',
  'private',
  'public',
  'deleted',
  'dead',
  'gone',
  'down',
  'inactive',
  'deactivated',
  'disabled',
  'suspended',
  'closed',
  'empty',
  'boring',
  'banned',
  'locked',
  'hacked',
  'new',
  'old',
  'same',
  'off',
  'on',
  'in',
  'at',
  'of',
  'for',
  'with',
  'just',
  'instead',
  'maybe',
  'there',
  'here',
]);

// A subreddit ("r/stopdrinking") is a public community, not a way to reach someone.
const HANDLE_NAME = String.raw`(?!r\/)(?!(?:${STOP_WORDS})(?![${W}.-]))[${W}](?:[${W}]|[.-](?=[${W}])){0,63}(?:#\d{4})?`;
const HANDLE_LABEL = String.raw`(?:\s{1,2}(?:handle|username|user\s?name|name|id|account|acct|tag))?`;

/** "snap: name", "my snapchat is name", "add me on telegram name", "I'm on insta as name". */
const LABELLED_HANDLE = new RegExp(
  String.raw`(?<keep>(?<![${W}])(?:` +
    [
      String.raw`(?:${PLATFORMS})(?:\s{1,2}me)?${HANDLE_LABEL}\s{0,2}[:=]\s{0,3}`,
      String.raw`(?:my|our)\s{1,3}(?:${PLATFORMS})${HANDLE_LABEL}\s{1,3}is\s{1,3}`,
      String.raw`(?:add|find|follow|message|msg|dm|pm|text|hit|reach|contact|hmu|friend|search)(?:\s{1,3}me)?(?:\s{1,3}up)?\s{1,3}(?:on|at|via)\s{1,3}(?:${PLATFORMS})(?:\s{0,2}[:=-]\s{0,3}|\s{1,3}(?:(?:at|as)\s{1,3})?)`,
      String.raw`(?:i'?m|i\s{1,3}am)\s{1,3}on\s{1,3}(?:${PLATFORMS})\s{1,3}as\s{1,3}`,
    ].join('|') +
    '))' +
    String.raw`[@$]?(?:u\/)?${HANDLE_NAME}`,
  'giu',
);

/** "@name", and fediverse "@name@server.social". */
const AT_HANDLE = new RegExp(
  String.raw`(?<![${W}@.+/:$-])@(?!(?:everyone|here|all|channel|mods?|admins?|moderators?)(?![${W}.]))` +
    String.raw`[\p{L}_](?:[${W}]|[.-](?=[${W}])){0,63}(?:@${LABEL}(?:\.${LABEL}){1,4})?`,
  'giu',
);

/** Reddit users ("u/name"); subreddits ("r/name") are public communities and are kept. */
const REDDIT_USER = new RegExp(String.raw`(?<![${W}/])u\/[a-z0-9_-]{3,20}(?![${W}/-])`, 'giu');

const TOLL_FREE_AREA_CODES = new Set(['800', '888', '877', '866', '855', '844', '833']);

function digitsOf(text: string): string {
  return text.replace(/\D/g, '');
}

/** The number part only: the extension does not make a help line personal. */
function isTollFree(match: string): boolean {
  const number = digitsOf(match.replace(/\s*,?\s*(?:ext\.?|extension|x|#)\s*\d+$/i, ''));
  const national = number.length === 11 && number.startsWith('1') ? number.slice(1) : number;
  return national.length === 10 && TOLL_FREE_AREA_CODES.has(national.slice(0, 3));
}

function isInternationalNumber(match: string): boolean {
  const digits = digitsOf(match).length;
  return digits >= 8 && digits <= 15 && !isTollFree(match);
}

export interface Pass {
  kind: RedactionKind;
  pattern: RegExp;
  /**
   * A quick test that the text has something without which the pattern cannot match (a digit
   * for a phone number): most messages have none, and the pattern, with a lookbehind at every
   * position, costs far more. Only a necessary condition, never a guess.
   */
  mayMatch?: RegExp;
  /** Rejects a match the pattern cannot rule out by shape alone; the text is then kept. */
  accept?: (match: string) => boolean;
}

// The "iu" flags as the patterns have them, so that letters fold alike.
/** "://" of a scheme, or "www.". */
const MAY_BE_SCHEME_URL = /:\/\/|www\./iu;
/** "@", or "at" between spaces or brackets (AT_WORD, AT_BRACKETED). */
const MAY_BE_EMAIL = /@|[\s[({<]at[\s\])}>]/iu;
/** A dot followed by a letter: every top-level domain starts with one. */
const MAY_BE_BARE_URL = /\.\p{L}/u;
/** Every phone pattern has ASCII digits. */
const MAY_BE_PHONE = /[0-9]/;
const MAY_BE_AT_HANDLE = /@/;
/** "u/" */
const MAY_BE_REDDIT_USER = /\//;

/** Exported for the tests that check each quick test against its pattern. */
export const PASSES: readonly Pass[] = [
  { kind: 'url', pattern: SCHEME_URL, mayMatch: MAY_BE_SCHEME_URL },
  { kind: 'email', pattern: EMAIL, mayMatch: MAY_BE_EMAIL },
  { kind: 'url', pattern: BARE_URL, mayMatch: MAY_BE_BARE_URL },
  {
    kind: 'phone',
    pattern: NANP_PHONE,
    mayMatch: MAY_BE_PHONE,
    accept: (match) => !isTollFree(match),
  },
  {
    kind: 'phone',
    pattern: INTERNATIONAL_PHONE,
    mayMatch: MAY_BE_PHONE,
    accept: isInternationalNumber,
  },
  { kind: 'phone', pattern: TRUNK_PHONE, mayMatch: MAY_BE_PHONE },
  { kind: 'phone', pattern: LOCAL_PHONE, mayMatch: MAY_BE_PHONE },
  { kind: 'handle', pattern: LABELLED_HANDLE },
  { kind: 'handle', pattern: AT_HANDLE, mayMatch: MAY_BE_AT_HANDLE },
  { kind: 'handle', pattern: REDDIT_USER, mayMatch: MAY_BE_REDDIT_USER },
];

export function redactPersonalInfo(text: string): RedactionResult {
  const found = new Set<RedactionKind>();
  let count = 0;
  let current = text;
  for (const pass of PASSES) {
    // On the text as the earlier passes left it, which the pattern would see.
    if (pass.mayMatch !== undefined && !pass.mayMatch.test(current)) continue;
    let output = '';
    let copiedUpTo = 0;
    for (const match of current.matchAll(pass.pattern)) {
      if (pass.accept && !pass.accept(match[0])) continue;
      // A labelled handle keeps its cue ("snap: ") so the sentence still reads.
      const keep = match.groups?.keep ?? '';
      output += current.slice(copiedUpTo, match.index) + keep + REDACTION_PLACEHOLDERS[pass.kind];
      copiedUpTo = match.index + match[0].length;
      found.add(pass.kind);
      count += 1;
    }
    if (copiedUpTo > 0) current = output + current.slice(copiedUpTo);
  }
  return { text: current, redacted: REDACTION_KINDS.filter((kind) => found.has(kind)), count };
}
