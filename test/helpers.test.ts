import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { article, formatDate, formatFinancialYear, formatMoney, formatMonth, formatNumber, numberInWords, round, defaultHouseStyle } from '../src/template/format.js';
import { helpers, type RenderData } from '../src/template/helpers.js';

const kent = { ...defaultHouseStyle, numbersInWordsUpTo: 10 };
const govuk = { ...defaultHouseStyle, money: 'long' as const, financialYear: 'words' as const };

function render(source: string, context: unknown, house = kent): string {
  const hb = Handlebars.create();
  hb.registerHelper(helpers);
  const data: RenderData = { house, charts: [] };
  return hb.compile(source, { strict: true, noEscape: true })(context, { data });
}

const referrals = {
  '2015-10': 945, '2015-11': 968, '2015-12': 790, '2016-01': 905, '2016-02': 962, '2016-03': 958,
  '2016-04': 880, '2016-05': 1032, '2016-06': 1001, '2016-07': 866, '2016-08': 671, '2016-09': 939,
};

describe('formatting in UK conventions', () => {
  it('groups thousands and rounds half away from zero', () => {
    expect(formatNumber(1032)).toBe('1,032');
    expect(formatNumber(7859)).toBe('7,859');
    expect(formatNumber(1234567.891, 1)).toBe('1,234,567.9');
    expect(formatNumber(-4500)).toBe('-4,500');
    expect(round(909.75)).toBe(910);
    expect(round(909.5)).toBe(910);
    expect(round(909.49)).toBe(909);
  });
  it('writes money in the house style', () => {
    expect(formatMoney(1_000_000, kent)).toBe('£1m');
    expect(formatMoney(1_400_000, kent)).toBe('£1.4m');
    expect(formatMoney(2_650_000, kent)).toBe('£2.65m');
    expect(formatMoney(16_000_000, kent)).toBe('£16m');
    expect(formatMoney(250_000, kent)).toBe('£250,000');
    expect(formatMoney(1_400_000, govuk)).toBe('£1.4 million');
    expect(formatMoney(2_000_000_000, govuk)).toBe('£2 billion');
  });
  it('writes dates, months and financial years', () => {
    expect(formatDate('2017-08-31')).toBe('31 August 2017');
    expect(formatMonth('2016-09')).toBe('September 2016');
    expect(formatFinancialYear(2016, kent)).toBe('2016/17');
    expect(formatFinancialYear(2016, govuk)).toBe('2016 to 2017');
  });
  it('writes dates in the house\'s date forms', () => {
    expect(render('{{date d}}', { d: '2017-08-31' })).toBe('31 August 2017');
    expect(render('{{date d}}', { d: '2017-08-31' }, { ...kent, dateForm: 'dddd D MMMM YYYY' })).toBe('Thursday 31 August 2017');
    expect(render('{{date d}}', { d: '2017-08-01' }, { ...kent, dateForm: 'DD/MM/YYYY' })).toBe('01/08/2017');
    expect(render('{{month m}}', { m: '2016-09' }, { ...kent, monthForm: 'MMM YYYY' })).toBe('Sep 2016');
    const s = { '2015-09': 980, '2016-09': 624 };
    expect(render('{{change s from="2015-09"}}', { s }, { ...kent, monthForm: 'MMMM YYYY' })).toBe('a decrease from 980 in September 2015');
    expect(render('{{weekday "2019-01-29"}}', {})).toBe('Tuesday');
  });
  it('writes small numbers in words up to the house limit', () => {
    expect(numberInWords(10, kent)).toBe('ten');
    expect(numberInWords(5, kent)).toBe('five');
    expect(numberInWords(11, kent)).toBe('11');
    expect(numberInWords(10, defaultHouseStyle)).toBe('10');
    expect(numberInWords(8.6, kent)).toBe('8.6');
  });
  it('chooses a or an by sound', () => {
    expect(article('8% rise')).toBe('an');
    expect(article('9% rise')).toBe('a');
    expect(article('11% rise')).toBe('an');
    expect(article('18 month wait')).toBe('an');
    expect(article('80% share')).toBe('an');
    expect(article('1% rise')).toBe('a');
    expect(article('increase')).toBe('an');
    expect(article('decrease')).toBe('a');
    expect(article('hour')).toBe('an');
    expect(article('user')).toBe('a');
  });
});

describe('wording helpers over a monthly series', () => {
  it('gives average, lowest and highest with their months', () => {
    const ctx = { r: referrals };
    expect(render('{{average r months=12}}', ctx)).toBe('910');
    expect(render('{{lowest r months=12}}', ctx)).toBe('671 in August');
    expect(render('{{highest r months=12}}', ctx)).toBe('1,032 in May');
  });
  it('names every month on a tie', () => {
    const tie = { ...referrals, '2016-06': 1032 };
    expect(render('{{highest r}}', { r: tie })).toBe('1,032 in May and June');
    const three = { ...tie, '2016-04': 1032 };
    expect(render('{{highest r}}', { r: three })).toBe('1,032 in April, May and June');
  });
  it('names the year when a month name repeats in the window', () => {
    const long = { '2015-08': 600, ...referrals };
    expect(render('{{lowest r}}', { r: long })).toBe('600 in August 2015');
  });
  it('says increase, decrease or the same, never "a decrease of 0"', () => {
    const up = { '2015-09': 980, '2016-09': 1100 };
    const down = { '2015-09': 980, '2016-09': 624 };
    const same = { '2015-09': 980, '2016-09': 980 };
    expect(render('{{change s from="2015-09"}}', { s: up })).toBe('an increase from 980 in September 2015');
    expect(render('{{change s from="2015-09"}}', { s: down })).toBe('a decrease from 980 in September 2015');
    expect(render('{{change s from="2015-09"}}', { s: same })).toBe('the same as in September 2015');
  });
  it('gives the latest value and its month', () => {
    const s = { '2016-08': 668, '2016-09': 624 };
    expect(render('Currently ({{latestMonth s}}) there are {{latest s}}', { s })).toBe('Currently (September 2016) there are 624');
  });
  it('refuses a month the series lacks', () => {
    expect(() => render('{{change s from="2014-01"}}', { s: referrals })).toThrow(/no value for 2014-01/);
  });
});

describe('counts, shares and targets', () => {
  it('agrees singular and plural', () => {
    expect(render('{{count n "child" "children"}}', { n: 1 })).toBe('1 child');
    expect(render('{{count n "child" "children"}}', { n: 2 })).toBe('2 children');
    expect(render('{{count n "child" "children" words=true}}', { n: 2 })).toBe('two children');
    expect(render('{{count n "child" "children"}}', { n: 1032 })).toBe('1,032 children');
  });
  it('puts the right article before a figure', () => {
    expect(render('{{a (percent 8)}} rise', {})).toBe('an 8% rise');
    expect(render('{{a (percent 9)}} rise', {})).toBe('a 9% rise');
  });
  it('gives a share of a total and the difference from a target', () => {
    expect(render('{{share 339 654}}', {})).toBe('52%');
    expect(render('{{against 53 56}}', {})).toBe('3 percentage points below');
    expect(render('{{against 57 56}}', {})).toBe('1 percentage point above');
    expect(render('{{against 56 56}}', {})).toBe('on');
  });
  it('compares a count with an estimate', () => {
    expect(render('{{compare 44 10 more="higher than" less="lower than"}}', {})).toBe('higher than');
    expect(render('{{compare 8 10 more="higher than" less="lower than"}}', {})).toBe('lower than');
    expect(render('{{compare 10 10}}', {})).toBe('the same as');
  });
  it('explains a wrong argument', () => {
    expect(() => render('{{money x}}', { x: 'lots' })).toThrow(/expected an amount in pounds, found "lots"/);
  });
});

describe('renderInline (the layout meta lines)', () => {
  it('renders a compiled line again with other data, and reports an error at every build', async () => {
    const { renderInline } = await import('../src/template/engine.js');
    const data = { house: defaultHouseStyle, charts: [] } as unknown as RenderData;
    const line = '{{meta.subject}}: {{month meta.month}}';
    expect(renderInline(line, { meta: { subject: 'CAMHS', month: '2016-09' } }, data, 'layout.yaml')).toBe('CAMHS: September 2016');
    expect(renderInline(line, { meta: { subject: 'HOSC', month: '2019-01' } }, data, 'layout.yaml')).toBe('HOSC: January 2019');
    for (let i = 0; i < 2; i++) {
      expect(() => renderInline('{{meta.title}}', { meta: {} }, data, 'layout.yaml')).toThrow(/^layout\.yaml:1:3: the template asks for "title"/);
    }
  });
});
