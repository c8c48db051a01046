/**
 * UK formatting of numbers, money, dates and periods, written out by hand so the result
 * never depends on the machine's locale or ICU data.
 */

export interface HouseStyle {
  /** "short": £1.4m; "long": £1.4 million (GOV.UK). */
  money: 'short' | 'long';
  /** Whole numbers from 0 up to this are written in words ("ten"); 0 turns it off. */
  numbersInWordsUpTo: number;
  /** "slash": 2016/17; "words": 2016 to 2017. */
  financialYear: 'slash' | 'words';
  /** Ordered lists in the body: "letter" a) b) or "decimal" 1. 2. */
  orderedList: 'letter' | 'decimal';
  /** How {{date}} writes a day: tokens dddd (Tuesday), D (9), DD (09), MMMM (August), MMM (Aug), MM (08), YYYY. */
  dateForm: string;
  /** How {{month}} writes a month, with the same tokens: "MMMM YYYY" gives August 2017. */
  monthForm: string;
}

export const defaultHouseStyle: HouseStyle = {
  money: 'short',
  numbersInWordsUpTo: 9,
  financialYear: 'slash',
  orderedList: 'letter',
  dateForm: 'D MMMM YYYY',
  monthForm: 'MMMM YYYY',
};

export const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

const SMALL = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty'];

/** Rounds half away from zero to `dp` places (house rounding: 909.75 -> 910). */
export function round(n: number, dp = 0): number {
  const f = 10 ** dp;
  return (Math.sign(n) * Math.round(Math.abs(n) * f + Number.EPSILON)) / f;
}

/** 1032 -> "1,032"; 8.6 -> "8.6"; dp fixes the decimals. */
export function formatNumber(n: number, dp?: number): string {
  const r = dp === undefined ? n : round(n, dp);
  const neg = r < 0;
  const [int, frac] = (dp === undefined ? String(Math.abs(r)) : Math.abs(r).toFixed(dp)).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${grouped}${frac ? '.' + frac : ''}`;
}

/** Whole numbers up to the house limit in words: 10 -> "ten", 44 -> "44". */
export function numberInWords(n: number, style: HouseStyle): string {
  if (Number.isInteger(n) && n >= 0 && n <= style.numbersInWordsUpTo && n < SMALL.length) return SMALL[n];
  return formatNumber(n);
}

export function formatPercent(n: number, dp = 0): string {
  return `${formatNumber(round(n, dp), dp)}%`;
}

/** Money in pounds in the house style: £1m, £1.4m, £2.65m, £16m, £250,000. */
export function formatMoney(pounds: number, style: HouseStyle): string {
  const sign = pounds < 0 ? '-' : '';
  const abs = Math.abs(pounds);
  if (abs >= 1_000_000_000) {
    const b = trimZeros((abs / 1_000_000_000).toFixed(2));
    return `${sign}£${b}${style.money === 'long' ? ' billion' : 'bn'}`;
  }
  if (abs >= 1_000_000) {
    const m = trimZeros((abs / 1_000_000).toFixed(2));
    return `${sign}£${m}${style.money === 'long' ? ' million' : 'm'}`;
  }
  return `${sign}£${formatNumber(abs, Number.isInteger(abs) ? 0 : 2)}`;
}

function trimZeros(s: string): string {
  return s.replace(/\.?0+$/, '');
}

function parseIso(iso: string): { y: number; m: number; d?: number } {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(String(iso));
  if (!m) throw new Error(`expected a date YYYY-MM-DD or a month YYYY-MM, found ${JSON.stringify(iso)}`);
  return { y: +m[1], m: +m[2], d: m[3] ? +m[3] : undefined };
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A date in a house form: "D MMMM YYYY" -> 31 August 2017 (the weekday is computed in UTC). */
export function formatDatePattern(iso: string, form: string): string {
  const p = parseIso(iso);
  const day = p.d ?? 1;
  const values: Record<string, string> = {
    dddd: WEEKDAYS[new Date(Date.UTC(p.y, p.m - 1, day)).getUTCDay()],
    YYYY: String(p.y),
    MMMM: MONTHS[p.m - 1],
    MMM: MONTHS[p.m - 1].slice(0, 3),
    MM: String(p.m).padStart(2, '0'),
    DD: String(day).padStart(2, '0'),
    D: String(day),
  };
  return form.replace(/dddd|YYYY|MMMM|MMM|MM|DD|D/g, (t) => values[t]);
}

/** "2017-08-31" -> "31 August 2017" (a month alone: "August 2017"). */
export function formatDate(iso: string, style: Pick<HouseStyle, 'dateForm' | 'monthForm'> = defaultHouseStyle): string {
  return formatDatePattern(iso, parseIso(iso).d === undefined ? style.monthForm : style.dateForm);
}

/** "2016-09" or "2016-09-30" -> "September 2016". */
export function formatMonth(iso: string, style: Pick<HouseStyle, 'monthForm'> = defaultHouseStyle): string {
  return formatDatePattern(iso, style.monthForm);
}

/** "2016-08" -> "August". */
export function monthName(iso: string): string {
  return MONTHS[parseIso(iso).m - 1];
}

/** 2016 -> "2016/17" or "2016 to 2017". */
export function formatFinancialYear(startYear: number, style: HouseStyle): string {
  const end = startYear + 1;
  return style.financialYear === 'words' ? `${startYear} to ${end}` : `${startYear}/${String(end).slice(-2)}`;
}

/** "a" or "an" for what follows, by how it is spoken: an 8% rise, an 11% rise, a 9% rise. */
export function article(following: string): 'a' | 'an' {
  const s = following.trim().toLowerCase();
  const num = /^(\d[\d,]*)/.exec(s);
  if (num) {
    const digits = num[1].replace(/,/g, '');
    // Spoken forms beginning with a vowel sound: 8, 11, 18, 80-89, 800-899, 8000..., 11000...
    if (digits.startsWith('8')) return 'an';
    if (/^1[18]$/.test(digits) || (/^1[18]\d{3}$/.test(digits) || /^1[18]\d{6}$/.test(digits))) return 'an';
    return 'a';
  }
  if (/^(hour|honou?r|heir)/.test(s)) return 'an';
  if (/^(uni|use|usu|uti|eu|one|once)/.test(s)) return 'a';
  if (/^[aeiou]/.test(s)) return 'an';
  // Initialisms spoken letter by letter: an SPFT, an NHS, an MRI.
  if (/^[fhlmnrsx][A-Z]*\b/.test(following.trim()) && /^[A-Z]{2,}/.test(following.trim())) return 'an';
  return 'a';
}

/** "child"/"children" agreement: 1 child, 2 children. */
export function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}
