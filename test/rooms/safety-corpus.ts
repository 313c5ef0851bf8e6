/**
 * Hand-written corpora for the room safety checks. Each entry pins one exact outcome, so a change to
 * a rule shows up as the named messages it helps or breaks. Entries marked "decided" record a
 * judgement call that the module's header comment explains.
 */
import type { CrisisKind } from '../../src/rooms/safety/crisis.js';
import type { RedactionKind } from '../../src/rooms/safety/redaction.js';

export interface RedactionCase {
  input: string;
  /** The exact text after redaction. */
  text: string;
  kinds: RedactionKind[];
}

export const MUST_REDACT: readonly RedactionCase[] = [
  // phone numbers
  { input: 'call me +1 (555) 123-4567', text: 'call me [phone removed]', kinds: ['phone'] },
  { input: '555.123.4567', text: '[phone removed]', kinds: ['phone'] },
  { input: 'my cell is 5551234567', text: 'my cell is [phone removed]', kinds: ['phone'] },
  { input: 'UK friends: +44 20 7946 0958', text: 'UK friends: [phone removed]', kinds: ['phone'] },
  { input: 'text 555 123 4567 anytime', text: 'text [phone removed] anytime', kinds: ['phone'] },
  { input: 'work line 555-123-4567 ext. 89', text: 'work line [phone removed]', kinds: ['phone'] },
  { input: '(555) 123-4567 x204', text: '[phone removed]', kinds: ['phone'] },
  { input: '1-555-123-4567', text: '[phone removed]', kinds: ['phone'] },
  { input: '+15551234567', text: '[phone removed]', kinds: ['phone'] },
  { input: '+1 555 123 4567', text: '[phone removed]', kinds: ['phone'] },
  { input: 'Paris: +33 1 42 68 53 00', text: 'Paris: [phone removed]', kinds: ['phone'] },
  { input: 'ring me on 020 7946 0958', text: 'ring me on [phone removed]', kinds: ['phone'] },
  { input: 'call 555-123-4567.', text: 'call [phone removed].', kinds: ['phone'] },
  {
    input: 'call me at 555-1234 after the meeting',
    text: 'call me at [phone removed] after the meeting',
    kinds: ['phone'],
  },
  { input: 'my number is 555.1234', text: 'my number is [phone removed]', kinds: ['phone'] },
  { input: 'whatsapp: +44 7700 900123', text: 'whatsapp: [phone removed]', kinds: ['phone'] },

  // email addresses, plain and obfuscated
  { input: 'jane.doe@example.com', text: '[email removed]', kinds: ['email'] },
  {
    input: 'Email me: Jane_Doe+aa@mail.example.org.',
    text: 'Email me: [email removed].',
    kinds: ['email'],
  },
  { input: 'jane at gmail dot com', text: '[email removed]', kinds: ['email'] },
  { input: 'jane [at] example [dot] com', text: '[email removed]', kinds: ['email'] },
  { input: 'jane(at)example(dot)org', text: '[email removed]', kinds: ['email'] },
  { input: 'jane dot doe at yahoo dot com', text: '[email removed]', kinds: ['email'] },
  { input: 'reach me jane at gmail.com', text: 'reach me [email removed]', kinds: ['email'] },
  { input: 'JANE AT HOTMAIL DOT COM', text: '[email removed]', kinds: ['email'] },
  // decided: a big provider's name is enough to reach someone, even without ".com"
  { input: 'jane@gmail', text: '[email removed]', kinds: ['email'] },
  { input: 'jane @ example [dot] net', text: '[email removed]', kinds: ['email'] },
  { input: "o'brien@example.ie", text: '[email removed]', kinds: ['email'] },
  { input: 'escríbeme a josé@ejemplo.es', text: 'escríbeme a [email removed]', kinds: ['email'] },

  // links
  { input: 'https://example.com/my-story', text: '[link removed]', kinds: ['url'] },
  { input: 'see http://foo.org/a?b=c, thanks', text: 'see [link removed], thanks', kinds: ['url'] },
  { input: 'www.mysite.net', text: '[link removed]', kinds: ['url'] },
  { input: '(www.example.org/about)', text: '([link removed])', kinds: ['url'] },
  { input: 'example.com/path', text: '[link removed]', kinds: ['url'] },
  { input: 'join zoom.us/j/123456789 at 7', text: 'join [link removed] at 7', kinds: ['url'] },
  { input: 't.me/janedoe', text: '[link removed]', kinds: ['url'] },
  { input: 'discord.gg/abc123', text: '[link removed]', kinds: ['url'] },
  { input: 'my blog is soberjane.com', text: 'my blog is [link removed]', kinds: ['url'] },
  { input: 'bit.ly/3xYz', text: '[link removed]', kinds: ['url'] },
  // decided: "at" plus a domain that is no mail provider is a sentence with a link in it
  { input: 'meet me at example.com', text: 'meet me at [link removed]', kinds: ['url'] },

  // handles
  { input: '@jane_doe', text: '[handle removed]', kinds: ['handle'] },
  { input: 'thanks @sober.sam!', text: 'thanks [handle removed]!', kinds: ['handle'] },
  { input: 'snap: janedoe', text: 'snap: [handle removed]', kinds: ['handle'] },
  { input: 'ig: jane.doe_22', text: 'ig: [handle removed]', kinds: ['handle'] },
  { input: 'insta @jane', text: 'insta [handle removed]', kinds: ['handle'] },
  { input: 'my snapchat is janey92', text: 'my snapchat is [handle removed]', kinds: ['handle'] },
  {
    input: 'add me on telegram janedoe',
    text: 'add me on telegram [handle removed]',
    kinds: ['handle'],
  },
  { input: 'FB: jane.smith.77', text: 'FB: [handle removed]', kinds: ['handle'] },
  { input: 'discord: jane#1234', text: 'discord: [handle removed]', kinds: ['handle'] },
  {
    input: 'hit me up on snap @janey',
    text: 'hit me up on snap [handle removed]',
    kinds: ['handle'],
  },
  { input: '@jane@mastodon.social', text: '[handle removed]', kinds: ['handle'] },
  {
    input: 'my insta handle is sober_jane',
    text: 'my insta handle is [handle removed]',
    kinds: ['handle'],
  },
  { input: 'cashapp: $janedoe', text: 'cashapp: [handle removed]', kinds: ['handle'] },
  {
    input: "I'm on tiktok as soberjane",
    text: "I'm on tiktok as [handle removed]",
    kinds: ['handle'],
  },
  // decided: every standalone @word is a handle, in-room @mentions included
  { input: 'see you @home', text: 'see you [handle removed]', kinds: ['handle'] },
  { input: 'venmo me @jane-doe', text: 'venmo me [handle removed]', kinds: ['handle'] },
  { input: 'Snap me: jane123', text: 'Snap me: [handle removed]', kinds: ['handle'] },
  { input: 'my reddit is u/janedoe', text: 'my reddit is [handle removed]', kinds: ['handle'] },

  // several kinds in one message
  {
    input: 'text me 555-123-4567 or jane@x.org or @jane',
    text: 'text me [phone removed] or [email removed] or [handle removed]',
    kinds: ['phone', 'email', 'handle'],
  },
  {
    input: 'Zoom: https://zoom.us/j/987654321 pass 1234, call 555-123-4567',
    text: 'Zoom: [link removed] pass 1234, call [phone removed]',
    kinds: ['phone', 'url'],
  },
  {
    input: 'IG: @jane and snap: jane2',
    text: 'IG: [handle removed] and snap: [handle removed]',
    kinds: ['handle'],
  },
  {
    input: 'jane.doe@gmail.com and www.janedoe.com',
    text: '[email removed] and [link removed]',
    kinds: ['email', 'url'],
  },
];

/** Ordinary recovery talk that must come back byte for byte. */
export const MUST_PASS: readonly string[] = [
  // day counts and sobriety time
  'I have 90 days',
  '30 days clean today',
  'day 1 again',
  '12 years sober in May',
  'sober since 2019',
  '1000 meetings in 1000 days',
  '90 in 90',
  // steps, pages, readings
  'working step 4 with my sponsor',
  'steps 1-3 changed my life',
  'the 12 steps and 12 traditions',
  'Step 10: continued to take personal inventory',
  'read page 417 tonight',
  'Big Book p. 86-88',
  'we read from pages 58-60 and 83-84',
  'chapter 5, How It Works',
  'e.g. the 3rd step prayer',
  // times and dates
  'meeting at 7:30',
  'the 7-8pm meeting',
  'at 5:45 p.m. on Tuesdays',
  'woke up at 2 AM craving',
  'on 10/12/2024 I got my chip',
  'my sobriety date is 2024-03-15',
  'the year 2023 was hard',
  // money and other numbers
  'I put $20 in the basket',
  'it costs 5 dollars',
  "I'm 34 and finally sober",
  'updated to iOS 17.2 and the app works',
  'version 2.0.1 of the app',
  'I lost 3.5 pounds',
  'it was 98.6 degrees',
  'we had 25-30 people',
  'score was 21-7',
  '1,000,000 thanks',
  'ZIP 90210',
  'I sat at table 12, seat 4',
  '800-1200 calories a day',
  // decided: toll-free and three-digit help lines are public, not personal
  'SAMHSA helpline: 1-800-662-4357',
  'call 988 if you need to',
  'call 1-888-555-0199',
  'text HOME to 741741',
  // decided: a meeting ID is not a way to reach a person
  'Meeting ID 812 3456 7890 passcode 1234',
  '+1 for that share',
  // "at", "dot" and "@" in sentences
  'I was at the meeting',
  "dot your i's and cross your t's",
  'I was at home dot dot dot',
  'dot com bubble',
  'see you @ the 7pm meeting',
  'see you @7pm',
  'I am @ peace today',
  // decided: no domain after the "@", so not an address
  'me@home tonight',
  'ping @everyone for the group conscience',
  "my home group meets at St. Mark's",
  // missing spaces after full stops must not make links
  'the meeting ended.Then I drove home',
  'I did it.It was hard',
  "I'm on step 4.It's hard",
  'I was at church.I felt peace',
  // contact words without contact details
  'call my sponsor',
  'text my sponsor first',
  'email me later',
  'my snapchat is private',
  'add me on snap later',
  'Instagram is toxic for my recovery',
  "snap: I'll send it",
  'Snapchat: not worth it',
  'ig: no thanks',
  'my fb is deactivated',
  // decided: a subreddit is a public community
  'I read it on reddit: r/stopdrinking',
  'Step 1: We admitted we were powerless',
  "I'm at 47 days.",
  'Mr.Jones',
  'AA and NA and CA',
];

export interface CrisisCase {
  input: string;
  kinds: CrisisKind[];
}

export const CRISIS_POSITIVE: readonly CrisisCase[] = [
  // suicide
  { input: 'I want to die', kinds: ['suicide'] },
  { input: "I'm going to kill myself", kinds: ['suicide'] },
  { input: 'kms', kinds: ['suicide'] },
  { input: 'thinking about ending it all', kinds: ['suicide'] },
  { input: "don't want to be here anymore", kinds: ['suicide'] },
  { input: 'there is no reason to live', kinds: ['suicide'] },
  { input: 'honestly I would be better off dead', kinds: ['suicide'] },
  { input: 'I have a plan to end my life', kinds: ['suicide'] },
  { input: 'i wanna die so bad', kinds: ['suicide'] },
  { input: 'I want 2 die', kinds: ['suicide'] },
  { input: 'im gonna kil myself tonight', kinds: ['suicide'] },
  { input: 'I want to KILLLL MYSELF', kinds: ['suicide'] },
  { input: 'k1ll mys3lf', kinds: ['suicide'] },
  { input: 'I keep thinking about suicide', kinds: ['suicide'] },
  { input: "I'm suicidal again", kinds: ['suicide'] },
  { input: 'having sucidal thoughts all week', kinds: ['suicide'] },
  { input: 'everyone would be better off without me', kinds: ['suicide'] },
  { input: 'I wish I was dead', kinds: ['suicide'] },
  { input: 'nothing to live for anymore', kinds: ['suicide'] },
  { input: "I don't want to wake up tomorrow", kinds: ['suicide'] },
  { input: 'I hope I never wake up', kinds: ['suicide'] },
  { input: 'I just want to end it', kinds: ['suicide'] },
  { input: 'going to take my own life tonight', kinds: ['suicide'] },
  { input: "I can't go on anymore", kinds: ['suicide'] },
  { input: 'I wrote a suicide note', kinds: ['suicide'] },
  { input: 'thinking about jumping off the bridge by my house', kinds: ['suicide'] },
  { input: 'I want to unalive myself', kinds: ['suicide'] },
  { input: 'thinking about sewer slide', kinds: ['suicide'] },
  { input: "life isn't worth living", kinds: ['suicide'] },
  { input: "I'd rather be dead", kinds: ['suicide'] },
  { input: "I'm not okay. I want to die.", kinds: ['suicide'] },
  { input: 'I used to be happy but now I want to die', kinds: ['suicide'] },
  { input: 'I tried to kill myself last night', kinds: ['suicide'] },
  // decided: self-directed intent fires even when softened with "lol"
  { input: "I'm going to kill myself lol", kinds: ['suicide'] },
  { input: 'my sister says she wants to kill herself', kinds: ['suicide'] },
  { input: 'I want to OD on purpose', kinds: ['suicide'] },
  { input: 'gonna take all my pills tonight', kinds: ['suicide'] },
  { input: "I'm so tired of living", kinds: ['suicide'] },
  { input: "I'm done with life", kinds: ['suicide'] },
  { input: "I'm killing myself with pills", kinds: ['suicide'] },
  { input: 'I want to end it all with pills', kinds: ['suicide'] },
  { input: "I'm suicidal and came into the rooms today", kinds: ['suicide'] },
  // self-harm
  { input: 'cutting myself again', kinds: ['self_harm'] },
  { input: 'I keep hurting myself', kinds: ['self_harm'] },
  { input: 'I cut myself last night', kinds: ['self_harm'] },
  { input: 'I relapsed on self harm', kinds: ['self_harm'] },
  { input: 'the urge to cut is so strong tonight', kinds: ['self_harm'] },
  { input: "I've been burning myself", kinds: ['self_harm'] },
  { input: 'I started cutting again', kinds: ['self_harm'] },
  { input: "she's been cutting herself", kinds: ['self_harm'] },
  { input: 'I want to slit my wrists', kinds: ['suicide', 'self_harm'] },
  // overdose
  { input: 'I took too many pills', kinds: ['overdose'] },
  { input: "I think I'm overdosing", kinds: ['overdose'] },
  { input: "my friend isn't breathing after using", kinds: ['overdose'] },
  { input: "he's turning blue", kinds: ['overdose'] },
  { input: 'took a bunch of xanax and oxy', kinds: ['overdose'] },
  { input: "OD'd", kinds: ['overdose'] },
  { input: 'i think i od\u2019d', kinds: ['overdose'] },
  { input: 'O.D.\u2019d last night', kinds: ['overdose'] },
  { input: 'she is ODing in the bathroom', kinds: ['overdose'] },
  { input: 'ovedosing rn', kinds: ['overdose'] },
  { input: "my roommate won't wake up", kinds: ['overdose'] },
  { input: "I can't wake him up", kinds: ['overdose'] },
  { input: 'his lips are blue', kinds: ['overdose'] },
  { input: 'I think I took too much', kinds: ['overdose'] },
  { input: 'I swallowed 30 of my pills', kinds: ['overdose'] },
  { input: 'need narcan now', kinds: ['overdose'] },
  { input: "shot up and now I can't breathe", kinds: ['overdose'] },
  { input: 'did a line of fent and my chest is pounding', kinds: ['overdose'] },
  { input: 'someone is unresponsive in the bathroom', kinds: ['overdose'] },
  { input: 'my friend overdosed, what do I do', kinds: ['overdose'] },
  { input: "he's not breathing I think he's dead", kinds: ['overdose'] },
  { input: 'anyone have narcan? hurry', kinds: ['overdose'] },
  { input: 'I took 12 advil', kinds: ['overdose'] },
  { input: "I relapsed on heroin and I can't breathe right", kinds: ['overdose'] },
  // more than one kind
  { input: 'I overdosed on purpose', kinds: ['suicide', 'overdose'] },
  { input: 'took all my pills because I want to die', kinds: ['suicide', 'overdose'] },
  {
    input: 'I cut myself and took a handful of percs, I just want to die',
    kinds: ['suicide', 'self_harm', 'overdose'],
  },
];

/** Recovery talk that mentions these topics without acute risk. */
export const CRISIS_NEGATIVE: readonly string[] = [
  // idioms
  'this meeting is killing it',
  "I'd kill for a coffee",
  'I almost died laughing',
  "I'm dying to share",
  'killing time before the meeting',
  'dead tired',
  "you're killing me with these jokes",
  'I shot myself in the foot with that decision',
  "I'm dying of embarrassment lol",
  'this coffee is to die for',
  "he's dead set on going to the convention",
  "I'm feeling blue today",
  "that's odd",
  'kmsl that share was hilarious',
  'ran 5 kms this morning',
  // recovery and gratitude
  'my sponsor saved my life',
  'this program saved my life',
  'Narcan saves lives',
  'the Big Book says we were dying',
  "I relapsed but I'm safe",
  "I'm taking my life back one day at a time",
  'we were better off without alcohol',
  // decided: the wish to change is not a wish to die
  "I don't want to live like this anymore",
  "I'd rather die than drink again",
  "I'm done drinking, I want to live",
  'I was killing myself with booze',
  'killing myself over this step work',
  'I want to end it all with my using buddies',
  'I ended it with my ex',
  'sick of living with my parents',
  // negated
  "I'm not suicidal, just tired",
  'I would never kill myself',
  "I don't want to die, I want to live",
  "I'm not going to hurt myself, I promise",
  // in the past
  "I used to want to die, now I'm grateful",
  'I used to cut myself years ago',
  'I attempted suicide in 2015 and today I have 3 years',
  'I used to take a bunch of pills every day',
  'When I was drinking I wanted to die every day',
  'I came in to these rooms broken and suicidal',
  'My father overdosed when I was 12',
  'I OD\u2019d three times before I got clean',
  // decided: grief is not acute risk
  'my friend died of an overdose last year and I miss him',
  'my brother killed himself in 2019 and I still miss him',
  'my grandpa passed away peacefully last night',
  // awareness, training, worry
  'overdose awareness day',
  'suicide prevention month starts Monday',
  'We learned how to use Narcan in training',
  'what to do if someone is not breathing',
  "I'm scared of overdosing if I relapse",
  'I survived an overdose and now I carry naloxone',
  "I'm 200 days free from self harm",
  "the people who OD'd in our town",
  "my son is using again and I'm scared he'll OD",
  'Anyone know signs of an OD?',
  "What's the number for the suicide hotline?",
  "Get narcan now, it's free at the pharmacy",
  // accidents and ordinary life
  'I cut myself shaving',
  'I burned myself on the stove',
  'I need to cut myself some slack',
  'cutting myself off from old friends',
  'I took my meds this morning',
  'I took a bunch of vitamins',
  'I took too much on at work',
  "I can't breathe, this share is so funny",
  "I won't wake up in time for the 7am meeting",
  "I can't wake my son up for school",
  'my daughter cut herself on a broken glass',
  'I hurt myself lifting boxes',
  "I'm not breathing easy until I get my chip",
  'I took 2 advil for my headache',
  "My heart is racing, I'm so nervous about sharing",
  'I passed out on the couch',
];
