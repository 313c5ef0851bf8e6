/**
 * The crisis resources sent privately to someone whose message shows risk (the `safety` event).
 *
 * The list is short on purpose: a person in crisis should see at most three choices, the most
 * urgent first. During a possible overdose minutes matter, so emergency services lead; otherwise
 * the 988 Lifeline leads because it answers calls, texts and chats about suicide, self-harm and
 * substance use alike. The SAMHSA helpline is always included for treatment and recovery support.
 *
 * Limitation: these are United States services. Members elsewhere need their own country's lines;
 * the list should become locale-aware when rooms serve other countries.
 */
import type { CrisisKind } from './crisis.js';

export interface CrisisResource {
  name: string;
  phone?: string;
  sms?: string;
  url: string;
  description: string;
}

const EMERGENCY_SERVICES: Readonly<CrisisResource> = Object.freeze({
  name: 'Emergency services (911)',
  phone: '911',
  url: 'https://www.911.gov',
  description:
    'If someone may be overdosing (not breathing, turning blue, will not wake up), call 911 now. ' +
    'Give naloxone (Narcan) if you have it; it is safe to give if you are unsure. Stay with the ' +
    'person until help arrives, and lay them on their side if they are breathing. Many US states ' +
    'have Good Samaritan laws that protect people who call for help during an overdose.',
});

const LIFELINE_988: Readonly<CrisisResource> = Object.freeze({
  name: '988 Suicide & Crisis Lifeline',
  phone: '988',
  sms: '988',
  url: 'https://988lifeline.org',
  description:
    'Free, confidential support 24/7 for anyone in emotional distress, thinking about suicide or ' +
    'self-harm, or struggling with substance use, and for anyone worried about someone else. ' +
    'Call or text 988, or chat at 988lifeline.org.',
});

const SAMHSA_HELPLINE: Readonly<CrisisResource> = Object.freeze({
  name: 'SAMHSA National Helpline',
  phone: '1-800-662-4357',
  url: 'https://www.samhsa.gov/find-help/helplines/national-helpline',
  description:
    'Free, confidential, 24/7 treatment referral and information in English and Spanish for ' +
    'people and families facing substance use or mental health conditions. Call 1-800-662-HELP ' +
    '(4357).',
});

/**
 * Always returns the 988 Lifeline and the SAMHSA helpline, with emergency services first when an
 * overdose is possible. Fresh objects each call, so a caller may adapt them without affecting the
 * next notice.
 */
export function crisisResources(kinds: CrisisKind[]): CrisisResource[] {
  const resources = kinds.includes('overdose')
    ? [EMERGENCY_SERVICES, LIFELINE_988, SAMHSA_HELPLINE]
    : [LIFELINE_988, SAMHSA_HELPLINE];
  return resources.map((resource) => ({ ...resource }));
}
