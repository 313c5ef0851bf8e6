/**
 * Flags room messages that show acute risk of suicide, self-harm or overdose, so the sender can be
 * shown crisis resources privately.
 *
 * The rule set is deliberately transparent: a list of English phrase patterns (RULES), each with
 * the guards that can cancel it. Anyone reviewing a missed or a wrong notice can find the rule
 * responsible and the reason it did or did not fire, which a statistical model would not allow.
 *
 * How a message is read:
 * 1. Normalise: lower case, one kind of apostrophe, "o.d." as "od", digits used as letters inside
 *    words ("k1ll"), letters stretched for emphasis ("diiiie" keeps two), and runs of spaces.
 * 2. Split into clauses at sentence punctuation, commas and contrast words ("but", "though"), so
 *    that "I used to want to die, now I'm grateful" keeps its past tense away from the next clause.
 * 3. A rule fires when its pattern matches in a clause and none of its guards cancels that match:
 *    - negation: "not", "never", "don't", … right before the phrase, with only filler words
 *      between ("I'm not going to kill myself", "I don't want to die");
 *    - distancing: the risk is in the past ("used to", "years ago", "last year", "in 2015",
 *      "before I got sober", "survivor"). Only year-scale distance counts: "last night" and
 *      "an hour ago" are still acute;
 *    - grief: for overdose and third-person rules, a death being mourned ("died", "passed away",
 *      "miss him") is grief, not an emergency;
 *    - hypothetical: for overdose and third-person rules, "if", "in case", "signs of", "training";
 *    - educational: for bare topic words ("suicidal", "self-harm"), "awareness", "prevention", …;
 *    - accident: for self-harm, "shaving", "cooking", "at the gym", …;
 *    - recovery count: for self-harm, "clean from", "harm-free", "90 days without";
 *    - fear: for overdose, "scared of overdosing" is worry, not an overdose in progress.
 *    Some rules also need context: the symptom rules ("can't breathe", "chest pain") fire only when
 *    the message mentions a substance or using, and the naloxone rule only with urgency ("now").
 *
 * Decided ambiguities:
 * - We err towards showing the notice: it goes to the sender only and costs them a glance, while a
 *   missed crisis can cost a life. Hyperbole that is still worded as self-directed intent ("I'm
 *   going to kill myself lol") fires; idioms that are not ("killing it", "dying to share", "dead
 *   tired", "kill for a coffee", "killing myself laughing", "kmsl") do not.
 * - Grief is not acute risk: "my friend died of an overdose last year and I miss him" does not
 *   fire. Talk of someone else's present danger does ("my friend isn't breathing", "she wants to
 *   kill herself"): the resources help the person who is with them.
 * - "I don't want to live like this anymore" is the wish to change that brings people to recovery,
 *   not a wish to die; "I'd rather die than drink again" likewise. Neither fires.
 * - A completed past suicide of someone else ("he killed himself") is grief and does not fire.
 * - "kms" after a number ("ran 5 kms") is kilometres. "kys" is abuse aimed at someone else, a
 *   moderation matter rather than the sender's risk, and is not covered here.
 * - Intent to overdose ("I want to OD") is suicide; an overdose that has happened or is happening
 *   ("I OD'd", "took a bunch of xanax") is overdose; "I overdosed on purpose" is both.
 *
 * Limitations, honestly:
 * - English only, and only the phrasings the rules list. False negatives are certain: indirect
 *   signs (giving things away, saying goodbye, "I can't do this anymore", "I feel like I'm dying"
 *   without a substance mentioned) are not detected. This is a prompt to offer resources, never a
 *   substitute for facilitators reading the room.
 * - Negation and tense handling is shallow: filler-word adjacency and clause-level markers, not a
 *   parse. "I'm not sure I don't want to die" and sarcasm will be misread.
 * - Deliberate evasion (spacing out letters, homoglyphs) is not handled beyond simple digit-for-
 *   letter swaps.
 *
 * Every pattern is applied to single clauses with bounded repetition, guards look at a bounded
 * window around a match, and clause-level guards are evaluated once per clause, so the cost is
 * linear in the length of the message however hostile the input.
 */

export type CrisisKind = 'suicide' | 'self_harm' | 'overdose';

export interface CrisisAssessment {
  atRisk: boolean;
  /** Distinct kinds, in the order of CRISIS_KINDS. */
  kinds: CrisisKind[];
}

/** The stable order of `CrisisAssessment.kinds`. */
export const CRISIS_KINDS: readonly CrisisKind[] = ['suicide', 'self_harm', 'overdose'];

type Guard =
  | 'negation'
  | 'distancing'
  | 'grief'
  | 'hypothetical'
  | 'educational'
  | 'accident'
  | 'recoveryCount'
  | 'fear';

interface Rule {
  /** Names the rule in reviews and debugging. */
  readonly id: string;
  readonly kinds: readonly CrisisKind[];
  /** Applied to one normalised clause. */
  readonly pattern: RegExp;
  readonly guards: readonly Guard[];
  /** Cancels a match when the text right after it matches (anchored at the match's end). */
  readonly unlessAfter?: RegExp;
  /** Cancels a match when the text right before it (same clause) matches. */
  readonly unlessBefore?: RegExp;
  /** The text right before the match (same clause) must match. */
  readonly requiresBefore?: RegExp;
  /** The whole normalised message must match. */
  readonly requiresMessage?: RegExp;
}

const re = (source: string): RegExp => new RegExp(source, 'g');
const anchored = (source: string): RegExp => new RegExp(source);
const any = (words: readonly string[]): string => `(?:${words.join('|')})`;

const MYSELF = String.raw`(?:my\s?(?:self|slef|sef|slf|sefl)|meself)`;
const KILL = String.raw`(?:ki+l+(?:ing|in'?)?)`;
const SUICIDE = String.raw`(?:sui?[cs]i?de|sewer\s?slide)`;
const ANYMORE = String.raw`(?:any\s?more|any\s+longer|no\s+more)`;

/** Substances people take too much of. "meds" is left out where it reads as compliance. */
const SUBSTANCE_WORDS = [
  'pills?',
  'xanax',
  'xans?',
  'xannies',
  'bars',
  'benzos?',
  'klonopin',
  'klonnies',
  'valium',
  'ativan',
  'oxys?',
  'oxycodone',
  'oxycontin',
  'percs?',
  'percocets?',
  'vicodin',
  'norcos?',
  'hydros?',
  'dilaudid',
  'roxys?',
  'roxies',
  'fent',
  'fentanyl',
  'fetty',
  'heroin',
  'dope',
  'smack',
  'morphine',
  'methadone',
  'tramadol',
  'codeine',
  'lean',
  'opiates?',
  'opioids?',
  'meth',
  'coke',
  'cocaine',
  'crack',
  'molly',
  'mdma',
  'ecstasy',
  'ketamine',
  'ket',
  'ghb',
  'tylenol',
  'acetaminophen',
  'ambien',
  'seroquel',
  'gabapentin',
  'gabbies',
  'adderall',
  'addys',
  'xylazine',
  'tranq',
  'kratom',
  'painkillers?',
  'advil',
  'ibuprofen',
  'aspirin',
  'motrin',
  'aleve',
  'benadryl',
  'nyquil',
  'drugs',
  'alcohol',
  'booze',
  'vodka',
  'whiskey',
  'liquor',
];
const SUBSTANCE_NO_MEDS = any(SUBSTANCE_WORDS);
const SUBSTANCE = any([...SUBSTANCE_WORDS, 'meds', 'medications?', 'medicine']);
const DETERMINER = String.raw`(?:(?:my|the|his|her|their|those|these|that|this|some)\s+)?`;

/** Mentions of a substance or of using, the context the symptom rules need. */
const SUBSTANCE_CONTEXT = anchored(
  String.raw`\b${SUBSTANCE}\b|\b(?:using|used(?!\s+to\b)|shot\s+up|shooting\s+up|snorted|sniffed|smoked|relapsed|high(?!\s+school)|dosed|drunk|blacked\s+out|overdos\w*|od'?d|od'?ing)\b`,
);
const URGENCY = anchored(
  String.raw`\b(?:now|right\s+now|asap|quick|quickly|fast|hurry|urgent|emergency|911|help\s+(?:me|us|please|pls)|please\s+help)\b`,
);
const THIRD_PARTY_SUBJECT = anchored(
  String.raw`\b(?:he|he's|hes|she|she's|shes|they|they're|him|her|them|friend|roommate|partner|boyfriend|girlfriend|bf|gf|husband|wife|brother|sister|son|daughter|mom|dad|mother|father|cousin|buddy|someone|somebody|guy|girl|dude|person|sponsee|sponsor|uncle|aunt)\b`,
);

const WAKE_UP_ROUTINE = anchored(
  String.raw`^\s+(?:for|in\s+time|early|on\s+time|till|until|before|to\s+(?:texts?|messages?|calls?|emails?))\b`,
);

/** Words that may sit between a negation and the phrase it negates. */
const FILLER = any([
  'i',
  "i'?m",
  'im',
  "i'?d",
  'id',
  "i'?ll",
  "i'?ve",
  'ive',
  'me',
  'really',
  'ever',
  'even',
  'actually',
  'truly',
  'seriously',
  'honestly',
  'literally',
  'just',
  'currently',
  'actively',
  'gonna',
  'going',
  'to',
  'want',
  'wanna',
  'wanting',
  'trying',
  'try',
  'tryna',
  'plan',
  'planning',
  'think',
  'thinking',
  'thought',
  'about',
  'feel',
  'feeling',
  'felt',
  'like',
  'am',
  'be',
  'been',
  'being',
  'would',
  'will',
  'could',
  'should',
  'do',
  'does',
  'did',
  'have',
  'has',
  'had',
  'having',
  'any',
  'anymore',
  'more',
  'longer',
  'so',
  'that',
  'in',
  'the',
  'mood',
  'today',
  'now',
  'at',
  'all',
  'a',
  'bit',
  'of',
  'kind',
  'kinda',
  'sort',
  'sorta',
]);
const NEGATION_BEFORE = anchored(
  String.raw`(?:\b(?:not|never|no\s+longer|without|nobody)|\b(?:don'?t|doesn'?t|didn'?t|won'?t|wouldn'?t|isn'?t|aren'?t|wasn'?t|weren'?t|haven'?t|hasn'?t|shouldn'?t|ain'?t))(?:\s+${FILLER}){0,4}\s+$`,
);
const DISTANT_BEFORE = anchored(String.raw`\b(?:used\s+to|i\s+once)(?:\s+${FILLER}){0,3}\s+$`);
const FEAR_BEFORE = anchored(
  String.raw`\b(?:scared|afraid|worried|terrified|fear|fearful|nervous|paranoid)\s+(?:of|about)(?:\s+${FILLER}){0,2}\s+$`,
);

const CLAUSE_GUARDS: Readonly<Record<Exclude<Guard, 'negation' | 'fear'>, RegExp>> = {
  distancing: anchored(
    String.raw`\b(?:years|decades)\s+ago\b|\b(?:a|one|1)\s+year\s+ago\b|\blast\s+year\b|\bin\s+(?:19|20)\d\d\b|\bback\s+(?:then|when|in\s+the\s+day|in\s+(?:19|20)\d\d)\b|\bwhen\s+i\s+was\s+(?:a\s+kid|a\s+child|a\s+teen(?:ager)?|young(?:er)?|little|in\s+(?:high\s+school|college|school|active\s+addiction|my\s+addiction)|still\s+(?:using|drinking)|using|drinking|\d+)\b|\bbefore\s+(?:i\s+(?:got|was|came\s+into|found)\s+|getting\s+|finding\s+|coming\s+into\s+)?(?:sober|clean|recovery|the\s+program|the\s+rooms|na|aa)\b|\bin\s+(?:my|active)\s+addiction\b|\bin\s+my\s+(?:drinking|using)\s+days\b|\bin\s+my\s+(?:teens|20s|30s|twenties|thirties|youth)\b|\bin\s+the\s+past\b|\bi\s+came\s+in(?:\s?to)?\s+(?:these|the)\s+rooms\b(?!\s+(?:today|tonight|this))|\bwhen\s+i\s+(?:came\s+in|got\s+here|first\s+came|first\s+got\s+sober)\b|\bsurviv(?:ed|or|ors)\b|\bthe\s+old\s+me\b`,
  ),
  grief: anchored(
    String.raw`\b(?:died|passed\s+away|passed\s+on|funeral|r\.?i\.?p|rest\s+in\s+peace|miss(?:ing)?\s+(?:him|her|them)|lost\s+(?:him|her|them|my)|memorial|in\s+memory|anniversary\s+of|grave|grieving|grief|obituary)\b`,
  ),
  hypothetical: anchored(
    String.raw`\b(?:if|in\s+case|what\s+to\s+do|how\s+to|signs?\s+of|symptoms?\s+of|training|workshop|class|course|learn(?:ed|ing)?\s+(?:how|to|about)|teach(?:es|ing)?|taught)\b`,
  ),
  educational: anchored(
    String.raw`\b(?:awareness|prevention|hotline|lifeline|statistics|stats|research|study|article|documentary|podcast|book|movie|episode|song|lyrics?|class|training|workshop|month|speaker|topic|discussion)\b`,
  ),
  accident: anchored(
    String.raw`\b(?:accident(?:al|ally)?|by\s+mistake|shaving|cooking|chopping|slicing|kitchen|gym|lifting|workout|working\s+out|exercis\w*|playing|running|hiking|fell|slipped|tripped|stove|oven|curling\s+iron|sunburn)\b|\bon\s+(?:a|the|some)\s+(?:\w+\s+)?(?:knife|nail|glass|can|paper|fence|edge|door|corner|table)\b`,
  ),
  recoveryCount: anchored(
    String.raw`\b(?:free|clean|abstinent|sober)\s+(?:from|of)\b|\b(?:harm|sh)[\s-]?free\b|\b(?:days?|weeks?|months?|years?)\s+(?:free|clean|without)\b`,
  ),
};

const FIRST: readonly Guard[] = ['negation', 'distancing'];
const TOPIC: readonly Guard[] = [...FIRST, 'educational'];
const OTHER: readonly Guard[] = [...FIRST, 'grief', 'hypothetical'];
const OVERDOSE: readonly Guard[] = [...OTHER, 'fear'];
const SELF_HARM: readonly Guard[] = [...FIRST, 'accident', 'recoveryCount'];

const RULES: readonly Rule[] = [
  // ---- suicide ----
  {
    id: 'want-to-die',
    kinds: ['suicide'],
    pattern: re(
      String.raw`\b(?:wants?|wanted|wanting|wanna|wana|wnt|ready|trying|tryna|planning|plan|deserve|deserves|i\s+should|should\s+just|wish\s+i\s+could|hope\s+i|hoping\s+i|let\s+me)\s+(?:to\s+|2\s+)?(?:just\s+)?die\b`,
    ),
    guards: FIRST,
    // "want to die of embarrassment" is hyperbole; "in my sleep" is not excluded.
    unlessAfter: anchored(String.raw`^\s+(?:of|from|laughing|for)\b`),
  },
  {
    id: 'kill-myself',
    kinds: ['suicide'],
    pattern: re(
      String.raw`\b(?:${KILL}|off(?:ing)?|hang(?:ing)?|hung|shoot(?:ing)?|unaliv(?:e|ing)|end(?:ing)?)\s+${MYSELF}\b`,
    ),
    guards: FIRST,
    unlessAfter: anchored(
      String.raw`^\s+(?:laughing|in\s+the\s+foot|with\s+laughter|over\s+(?:this|that|it|work)|(?:slowly\s+)?(?:with|by)\s+(?:the\s+|this\s+|my\s+)?(?:drinking|booze|alcohol|drink|using))\b`,
    ),
  },
  {
    id: 'kms',
    kinds: ['suicide'],
    // "5 kms" is a distance; "kmsl" is "killing myself laughing".
    pattern: re(String.raw`(?<!\d\s?)\bkms\b`),
    guards: FIRST,
  },
  {
    id: 'unalive',
    kinds: ['suicide'],
    pattern: re(String.raw`\bunaliv(?:e|ing)\b|\bsewer\s?slide\b`),
    guards: TOPIC,
  },
  {
    id: 'end-it-all',
    kinds: ['suicide'],
    pattern: re(String.raw`\bend(?:ing)?\s+it\s+all\b`),
    guards: FIRST,
    unlessAfter: anchored(
      String.raw`^\s+with\s+(?:him|her|them|my\s+(?:ex|dealer|using\s+buddies|friends|boyfriend|girlfriend|partner|husband|wife))\b`,
    ),
  },
  {
    id: 'end-it',
    kinds: ['suicide'],
    // Only as the last words of the clause: "end it with him" is about a relationship.
    pattern: re(
      String.raw`\bend(?:ing)?\s+(?:it|everything|things)(?:\s+(?:now|tonight|today|for\s+good|forever|soon))?\s*$`,
    ),
    guards: FIRST,
    requiresBefore: anchored(
      String.raw`\b(?:want|wanna|going|gonna|ready|plan|planning|thinking|think|about|decided|just|time|gotta)\b`,
    ),
  },
  {
    id: 'end-my-life',
    kinds: ['suicide'],
    pattern: re(
      String.raw`\b(?:end(?:ing)?|take|taking|took)\s+my\s+(?:own\s+)?life\b(?!\s+(?:back|one|day|in|into|seriously|more|over|off|for|around)\b)|\bwant\s+my\s+life\s+to\s+(?:end|be\s+over)\b|\bwant\s+(?:it\s+all|everything|it)\s+to\s+(?:end|stop|be\s+over)(?:\s+(?:now|already|forever))?\s*$`,
    ),
    guards: FIRST,
  },
  {
    id: 'dont-want-to-live',
    kinds: ['suicide'],
    pattern: re(
      String.raw`\b(?:don'?t|do\s+not|doesn'?t)\s+(?:really\s+|even\s+)?(?:want|wanna)\s+(?:to\s+)?(?:be\s+alive|live|living|exist|be\s+here\s+${ANYMORE}|be\s+around\s+${ANYMORE}|wake\s+up)\b`,
    ),
    guards: FIRST,
    // The wish to change ("live like this") is what brings people to recovery, not a wish to die.
    unlessAfter: anchored(
      String.raw`^\s+(?:like\s+(?:this|that|i\s+used\s+to)|this\s+way|that\s+way|in\s+(?:fear|shame|active\s+addiction|my\s+addiction|addiction)|on\s+(?:drugs|booze)|early)\b`,
    ),
  },
  {
    id: 'never-wake-up',
    kinds: ['suicide'],
    pattern: re(
      String.raw`\b(?:hope|hoping|pray|praying)\s+(?:that\s+)?i\s+(?:don'?t|never|do\s+not|won'?t)\s+wake\s+up\b|\b(?:sleep|bed|asleep)\s+(?:and|&)\s+(?:never|not)\s+wake\s+up\b`,
    ),
    guards: FIRST,
  },
  {
    id: 'no-reason-to-live',
    kinds: ['suicide'],
    pattern: re(
      String.raw`\b(?:no|zero|nothing|not\s+(?:a|any|one)|don'?t\s+(?:see|have)\s+(?:a|any))\s+(?:\w+\s+)?(?:reason|point)s?\s+(?:to|in|for)\s+(?:keep\s+|keeping\s+|even\s+)?(?:live|living|be\s+alive|being\s+alive|exist|existing|be\s+here|being\s+here|wake\s+up|waking\s+up|go\s+on|going\s+on)\b|\bnothing\s+(?:left\s+)?to\s+live\s+for\b|\bnot\s+worth\s+living\b|\b(?:life|living)\s+(?:isn'?t|is\s+not|ain'?t|aint|is\s+no\s+longer)\s+worth\s+(?:it|living)\b|\b(?:no|lost\s+(?:the|my|all)|losing\s+(?:the|my))\s+will\s+to\s+live\b`,
    ),
    guards: FIRST,
    unlessAfter: anchored(String.raw`^\s+(?:the|a|an|with|to)\b`),
  },
  {
    id: 'tired-of-living',
    kinds: ['suicide'],
    pattern: re(
      String.raw`\b(?:tired|sick|done)\s+(?:of|with)\s+(?:living|life|being\s+alive|existing|being\s+here)\b`,
    ),
    guards: FIRST,
    // "sick of living with my parents", "tired of living in fear" are about circumstances.
    unlessAfter: anchored(String.raw`^\s+(?:in|with|like|at|here|there|on|off|under|paycheck)\b`),
  },
  {
    id: 'better-off-dead',
    kinds: ['suicide'],
    pattern: re(
      String.raw`\bbetter\s+off\s+(?:dead|without\s+me)\b|\bbetter\s+off\s+if\s+i\s+(?:was\s+dead|were\s+dead|wasn'?t\s+(?:here|around|alive|born)|weren'?t\s+(?:here|around|alive|born)|died|never\s+existed|disappeared)\b`,
    ),
    guards: FIRST,
  },
  {
    id: 'wish-i-was-dead',
    kinds: ['suicide'],
    pattern: re(
      String.raw`\bwish\s+(?:that\s+)?(?:i'?d|id|i\s+was|i\s+were|i\s+could\s+be|to\s+be)\s+dead\b|\bwish\s+(?:that\s+)?i\s+(?:was|were|had)\s+never\s+(?:been\s+)?born\b|\bwish\s+(?:that\s+)?i\s+(?:wasn'?t|weren'?t|didn'?t)\s+(?:alive|here|exist|born)\b|\bwish\s+(?:that\s+)?i\s+could\s+(?:just\s+)?(?:disappear\s+forever|stop\s+existing|not\s+exist)\b|\b(?:wants?|wanna)\s+to\s+be\s+dead\b|\b(?:i'?d|id|would)\s+rather\s+(?:be\s+dead|die)\b`,
    ),
    guards: FIRST,
    // "I'd rather die than drink again" is a commitment to recovery.
    unlessAfter: anchored(String.raw`^\s+than\b`),
  },
  {
    id: 'suicidal',
    kinds: ['suicide'],
    pattern: re(String.raw`\bsui?[cs]i?dal\b`),
    guards: TOPIC,
    unlessAfter: anchored(
      String.raw`^\s+(?:ideation\s+)?(?:prevention|awareness|hotline|line|training)\b`,
    ),
  },
  {
    id: 'suicide-intent',
    kinds: ['suicide'],
    pattern: re(
      String.raw`\b(?:commit(?:ting)?|attempt(?:ing|ed)?|consider(?:ing|ed)?|contemplat(?:e|ing|ed)|think(?:ing)?\s+(?:about|of)|thought\s+(?:about|of)|plan(?:ning|ned)?|tried|try(?:ing)?|research(?:ing|ed)?|googl(?:e|ing|ed)|going\s+to|gonna|want\s+to|wanna)\s+(?:about\s+|of\s+)?(?:committing\s+)?${SUICIDE}\b|\b${SUICIDE}\s+(?:note|letter|plan|method|pact|attempt)s?\b`,
    ),
    guards: TOPIC,
  },
  {
    id: 'jump',
    kinds: ['suicide'],
    pattern: re(
      String.raw`\bjump(?:ing)?\s+(?:off|from)\s+(?:a|the|my|this|that)\s+(?:\w+\s+)?(?:bridge|roof|rooftop|building|balcony|cliff|overpass|ledge|parking\s+garage)\b|\b(?:jump|jumping|step|stepping|walk|walking|throw\s+myself|throwing\s+myself)\s+in\s+front\s+of\s+(?:a|the)\s+(?:\w+\s+)?(?:train|bus|car|truck|subway)\b`,
    ),
    guards: FIRST,
  },
  {
    id: 'cant-go-on',
    kinds: ['suicide'],
    pattern: re(
      String.raw`\b(?:can'?t|cannot)\s+(?:go\s+on|keep\s+living)\s+${ANYMORE}\b|\b(?:can'?t|cannot)\s+(?:go\s+on|keep\s+living)\s*$`,
    ),
    guards: FIRST,
  },
  {
    id: 'overdose-intent',
    kinds: ['suicide'],
    pattern: re(
      String.raw`\b(?:want|wanna|planning|plan|trying|thinking\s+about|going\s+to\s+(?:intentionally|purposely|deliberately))\s+(?:to\s+)?(?:over\s?dose|od|over\s?dosing|od'?ing)\b|\b(?:over\s?dos(?:e|ed|ing)|od|od'?d|od'?ing)\s+on\s+purpose\b|\b(?:going\s+to|gonna|want\s+to|wanna|planning\s+to|plan\s+to|about\s+to)\s+(?:take|swallow|down)\s+(?:all|the\s+whole\s+bottle|a\s+(?:whole\s+)?bottle|a\s+bunch|a\s+handful)\s+(?:of\s+)?${DETERMINER}${SUBSTANCE_NO_MEDS}\b`,
    ),
    guards: FIRST,
  },
  {
    id: 'someone-suicidal',
    kinds: ['suicide'],
    pattern: re(
      String.raw`\b(?:${KILL}|off(?:ing)?|hang(?:ing)?|shoot(?:ing)?|end(?:ing)?|unaliv(?:e|ing))\s+(?:him|her|them|their)\s?sel(?:f|ves)\b|\b(?:end|ending|take|taking)\s+(?:his|her|their)\s+(?:own\s+)?life\b(?!\s+(?:back|around)\b)`,
    ),
    guards: OTHER,
  },

  // ---- self-harm ----
  {
    id: 'hurt-myself',
    kinds: ['self_harm'],
    pattern: re(
      String.raw`\b(?:cut(?:ting|tin'?)?|burn(?:ing|ed|t)?|scratch(?:ing|ed)?|hurt(?:ing)?|harm(?:ing|ed)?|hit(?:ting)?|punch(?:ing|ed)?|bruis(?:e|ing|ed)|carv(?:e|ing|ed)|stab(?:bing|bed)?|starv(?:e|ing|ed))\s+${MYSELF}\b`,
    ),
    guards: SELF_HARM,
    // "cut myself off", "burnt myself out", "cut myself some slack", "hurting myself by drinking".
    unlessAfter: anchored(
      String.raw`^\s+(?:by|off|out|up|some\s+slack|short|a\s+(?:break|slice|piece)|laughing)\b`,
    ),
  },
  {
    id: 'someone-self-harming',
    kinds: ['self_harm'],
    pattern: re(
      String.raw`\b(?:cut(?:ting)?|burn(?:ing)?|hurt(?:ing)?|harm(?:ing)?)\s+(?:him|her|them)\s?sel(?:f|ves)\b`,
    ),
    guards: [...OTHER, 'accident'],
    unlessAfter: anchored(String.raw`^\s+(?:by|off|out|up)\b`),
  },
  {
    id: 'self-harm',
    kinds: ['self_harm'],
    pattern: re(
      String.raw`\bself[\s-]?(?:harm(?:ing|ed)?|injur(?:y|e|ing|ed)|mutilat(?:e|ing|ion|ed))\b|\brelapsed\s+(?:on|with|into)\s+(?:cutting|sh)\b`,
    ),
    guards: [...TOPIC, 'recoveryCount'],
    unlessAfter: anchored(String.raw`^\s*-?\s*free\b`),
  },
  {
    id: 'urge-to-cut',
    kinds: ['self_harm'],
    pattern: re(
      String.raw`\burges?\s+to\s+(?:cut|self[\s-]?harm|harm\s+${MYSELF}|hurt\s+${MYSELF}|burn\s+${MYSELF})\b`,
    ),
    guards: FIRST,
    unlessAfter: anchored(
      String.raw`^\s+(?:my\s+hair|hair|class|back|down|out|off|ties|corners|him|her|them|people)\b`,
    ),
  },
  {
    id: 'cut-again',
    kinds: ['self_harm'],
    pattern: re(
      String.raw`\b(?:i|i'?ve|ive|i\s+have|i'?m|im|i\s+am|started|relapsed\s+and|been|keep)\s+(?:just\s+|been\s+|started\s+)?cut(?:ting)?\s+again\b`,
    ),
    guards: SELF_HARM,
  },
  {
    id: 'cut-body',
    kinds: ['self_harm'],
    pattern: re(
      String.raw`\bcut(?:ting)?\s+(?:open\s+)?my\s+(?:arms?|thighs?|legs?|skin|stomach|hips?)\b`,
    ),
    guards: SELF_HARM,
  },
  {
    id: 'slit-wrists',
    kinds: ['suicide', 'self_harm'],
    pattern: re(
      String.raw`\b(?:slit(?:ting)?|slice|slicing|slash(?:ing)?|cut(?:ting)?)\s+(?:open\s+)?my\s+(?:wrists?|throat)\b`,
    ),
    guards: SELF_HARM,
  },

  // ---- overdose ----
  {
    id: 'overdosing',
    kinds: ['overdose'],
    pattern: re(
      String.raw`\bov(?:er|e|r)\s?dos(?:ing|eing|in'?)\b|\bod[-']?ing\b|\bod[-']in'|\bhav(?:e|ing)\s+an?\s+(?:over\s?dose|od)\b|\bhad\s+an?\s+(?:over\s?dose|od)\b`,
    ),
    guards: OVERDOSE,
  },
  {
    id: 'overdosed',
    kinds: ['overdose'],
    // "odd" without an apostrophe is a word, so "od'd" needs its apostrophe.
    pattern: re(String.raw`\bov(?:er|e|r)\s?dosed\b|\bod'e?d\b|\boded\b`),
    guards: OVERDOSE,
    // "the people who OD'd in our town" talks about others in general, not an emergency.
    unlessBefore: anchored(
      String.raw`\b(?:people|those|folks|members|friends|everyone|anyone|many|others|us)\s+(?:who|that)\s+(?:have\s+|had\s+)?$`,
    ),
  },
  {
    id: 'took-too-much',
    kinds: ['overdose'],
    pattern: re(
      String.raw`\b(?:took|taken|did|done|used|shot|snorted|smoked|swallowed|popped|injected)(?:\s+up)?\s+(?:way\s+|far\s+|wa+y\s+|a\s+lot\s+)?too\s+(?:many|much)(?=\s*$|\s+(?:of\s+)?${DETERMINER}${SUBSTANCE}\b)|\bhad\s+(?:way\s+|far\s+)?too\s+(?:many|much)\s+(?:of\s+)?${DETERMINER}${SUBSTANCE_NO_MEDS}\b`,
    ),
    guards: OVERDOSE,
  },
  {
    id: 'took-a-bunch',
    kinds: ['overdose'],
    pattern: re(
      String.raw`\b(?:took|taken|take|ate|swallowed|popped|snorted|shot|injected|downed)\s+(?:a\s+|the\s+)?(?:whole\s+|entire\s+|full\s+)?(?:bunch|handful|ton|bottle|shit\s?load|fistful|pile|load|buttload|bag|pack|sheet|stack)\s+(?:of\s+)?${DETERMINER}${SUBSTANCE}\b|\b(?:took|taken|swallowed|popped|ate|downed)\s+(?:all|the\s+rest)\s+(?:of\s+)?${DETERMINER}${SUBSTANCE_NO_MEDS}\b|\b(?:took|taken|swallowed|popped|ate|downed|snorted)\s+(?:like\s+|maybe\s+|about\s+|around\s+|over\s+)?(?:[1-9]\d+|twenty|thirty|forty|fifty|sixty|a\s+hundred|a\s+dozen)\s+(?:\w+\s+){0,2}?${SUBSTANCE}\b`,
    ),
    guards: OVERDOSE,
  },
  {
    id: 'not-breathing',
    kinds: ['overdose'],
    pattern: re(
      String.raw`\b(?:isn'?t|is\s+not|not|stopped|stops|stopping|barely|hardly|wasn'?t|was\s+not|aren'?t|are\s+not|ain'?t|no\s+longer)\s+(?:really\s+|even\s+)?breath(?:ing|in'?|e)\b|\bdon'?t\s+think\s+(?:he|she|they)(?:'s|'re|\s+is|\s+are)?\s+breathing\b`,
    ),
    guards: OVERDOSE,
    unlessAfter: anchored(
      String.raw`^\s+(?:exercises?|techniques?|practice|work|easy|easier|a\s+word)\b`,
    ),
  },
  {
    id: 'turning-blue',
    kinds: ['overdose'],
    pattern: re(
      String.raw`\bturn(?:ing|ed|s)?\s+(?:\w+\s+)?blue\b|\b(?:lips|face|skin|fingers|fingertips|nails|toes)\s+(?:are|is|look|looks|looking|went|go|going|turned|turning|getting|got)\s+(?:kind\s+of\s+|kinda\s+|really\s+|so\s+|all\s+|pretty\s+)?(?:blue|purple|gr[ae]y)\b`,
    ),
    guards: OVERDOSE,
  },
  {
    id: 'wont-wake-up',
    kinds: ['overdose'],
    pattern: re(
      String.raw`\b(?:won'?t|wont|will\s+not|isn'?t|is\s+not|not|wasn'?t)\s+(?:waking|wake|woken|waken)\s+up\b|\bun\s?responsive\b|\bnot\s+responsive\b`,
    ),
    guards: OTHER,
    // "I won't wake up in time" is about an alarm clock; the danger is to someone else.
    requiresBefore: THIRD_PARTY_SUBJECT,
    unlessAfter: WAKE_UP_ROUTINE,
  },
  {
    id: 'cant-wake-them',
    kinds: ['overdose'],
    pattern: re(
      String.raw`\b(?:can'?t|cannot)\s+(?:wake|rouse)\s+(?:him|her|them|my\s+\w+)(?:\s+up)?\b|\b(?:can'?t|cannot)\s+get\s+(?:him|her|them|my\s+\w+)\s+to\s+(?:wake\s+up|respond|breathe)\b`,
    ),
    guards: OTHER,
    unlessAfter: WAKE_UP_ROUTINE,
  },
  {
    id: 'naloxone-now',
    kinds: ['overdose'],
    pattern: re(
      String.raw`\b(?:need|needs|needed|grab|bring|give|giving|gave|use|using|used)\s+(?:(?:him|her|them|some|the|a|my|your|any)\s+)?(?:narcan|naloxone)\b|\b(?:anyone|anybody|somebody|someone|who)\s+(?:have|has|got)\s+(?:any\s+|some\s+)?(?:narcan|naloxone)\b`,
    ),
    guards: OTHER,
    requiresMessage: URGENCY,
  },
  {
    id: 'symptoms-after-using',
    kinds: ['overdose'],
    pattern: re(
      String.raw`\b(?:can'?t|cannot)\s+breathe?\b|\b(?:hard|trouble|struggling)\s+(?:to\s+)?breath(?:e|ing)\b|\bbreathing\s+(?:is\s+)?(?:really\s+|so\s+|super\s+|very\s+)?(?:slow|shallow|weird|funny|strange|wrong)\b|\b(?:can'?t|cannot)\s+feel\s+my\s+(?:body|legs|arms|hands|face|chest)\b|\b(?:chest|heart)\s+(?:is\s+|feels\s+)?(?:pounding|racing|hurts|hurting|exploding|tight)\b|\bchest\s+pains?\b|\b(?:think|feel\s+like|feels\s+like)\s+i'?m\s+(?:gonna\s+|going\s+to\s+)?(?:die|dying)\b|\b(?:passed|passing)\s+out\b|\b(?:seizure|seizing|convulsing)\b|\bfoaming\s+at\s+the\s+mouth\b`,
    ),
    guards: OVERDOSE,
    requiresMessage: SUBSTANCE_CONTEXT,
    unlessAfter: anchored(String.raw`^\s+(?:to|of|laughing)\b`),
  },
];

/**
 * Every rule's pattern at once. A rule fires only where its pattern matches, so a clause this
 * does not match is done with one scan instead of one per rule: nearly every message. Exact, not
 * a guess: an alternation matches wherever one of its alternatives would (the patterns have no
 * back-references, and the same flags, checked here).
 */
export const ANY_RULE = new RegExp(RULES.map((rule) => `(?:${rule.pattern.source})`).join('|'));
if (RULES.some((rule) => rule.pattern.flags !== 'g'))
  throw new Error('crisis rules must all be plain global patterns to be combined');
/** Each rule's pattern, for the test that checks ANY_RULE against them. */
export const RULE_PATTERNS: readonly RegExp[] = RULES.map((rule) => rule.pattern);

/** Digits and symbols used for letters inside a word ("k1ll", "su1c1de"). */
const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '@': 'a',
  $: 's',
};

function normalise(text: string): string {
  return (
    text
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
      .replace(/[\u2018\u2019\u02bc\u0060\u00b4]/g, "'")
      // Before sentence splitting, which would otherwise cut "o.d." into pieces.
      .replace(/\bo\.\s?d\b\.?/g, 'od')
      .replace(/(?<=[a-z])[0134@$](?=[a-z])/g, (symbol) => LEET[symbol] ?? symbol)
      .replace(/([a-z])\1{2,}/g, '$1$1')
      .replace(/\s+/g, ' ')
  );
}

/**
 * "and" splits only before a new subject: "took xanax and oxy" must stay one clause, "I took
 * pills and I can't breathe" may become two. "yet" does not split ("haven't ... yet").
 */
const CLAUSE_BREAK =
  /[.!?;:,\n]+|\s(?:but|though|although|however|whereas|except|anyway)\s|\sand\s(?=(?:now|then|i|i'm|im|i've|ive|he|she|they|today|tonight)\b)/;

const WINDOW = 80;

class Clause {
  private readonly guardResults = new Map<Guard, boolean>();

  constructor(readonly text: string) {}

  /** Clause-level guards are evaluated once per clause, whatever the number of matches. */
  blocks(guard: Exclude<Guard, 'negation' | 'fear'>): boolean {
    let result = this.guardResults.get(guard);
    if (result === undefined) {
      result = CLAUSE_GUARDS[guard].test(this.text);
      this.guardResults.set(guard, result);
    }
    return result;
  }
}

function clauseBlocksRule(rule: Rule, clause: Clause): boolean {
  return rule.guards.some(
    (guard) => guard !== 'negation' && guard !== 'fear' && clause.blocks(guard),
  );
}

function matchIsCancelled(rule: Rule, clause: string, start: number, end: number): boolean {
  let before = clause.slice(Math.max(0, start - WINDOW), start);
  // A window cut mid-word would make "cannot" read as "not".
  if (start > WINDOW) before = before.replace(/^\S*\s/, ' ');
  const after = clause.slice(end, end + WINDOW);
  if (rule.guards.includes('negation') && NEGATION_BEFORE.test(before)) return true;
  if (rule.guards.includes('distancing') && DISTANT_BEFORE.test(before)) return true;
  if (rule.guards.includes('fear') && FEAR_BEFORE.test(before)) return true;
  if (rule.requiresBefore && !rule.requiresBefore.test(before)) return true;
  if (rule.unlessBefore?.test(before)) return true;
  return rule.unlessAfter?.test(after) ?? false;
}

function ruleFires(rule: Rule, clause: string): boolean {
  rule.pattern.lastIndex = 0;
  for (let match = rule.pattern.exec(clause); match; match = rule.pattern.exec(clause)) {
    const end = match.index + match[0].length;
    if (!matchIsCancelled(rule, clause, match.index, end)) return true;
    if (end === match.index) rule.pattern.lastIndex += 1;
  }
  return false;
}

export function assessCrisis(text: string): CrisisAssessment {
  const message = normalise(text);
  const found = new Set<CrisisKind>();
  const messageContext = new Map<RegExp, boolean>();
  const messageHas = (pattern: RegExp): boolean => {
    let result = messageContext.get(pattern);
    if (result === undefined) {
      result = pattern.test(message);
      messageContext.set(pattern, result);
    }
    return result;
  };

  for (const part of message.split(CLAUSE_BREAK)) {
    const text = part.trim();
    if (text === '' || !ANY_RULE.test(text)) continue;
    const clause = new Clause(text);
    for (const rule of RULES) {
      if (rule.kinds.every((kind) => found.has(kind))) continue;
      if (rule.requiresMessage && !messageHas(rule.requiresMessage)) continue;
      if (clauseBlocksRule(rule, clause)) continue;
      if (ruleFires(rule, text)) for (const kind of rule.kinds) found.add(kind);
    }
    if (found.size === CRISIS_KINDS.length) break;
  }

  const kinds = CRISIS_KINDS.filter((kind) => found.has(kind));
  return { atRisk: kinds.length > 0, kinds };
}
