/**
 * Builds the claim-spotting index carried inside the compiled detector (build side only).
 * Every phrasing of every claim, in every language the dataset gives, becomes a bag of tokens
 * weighted by inverse document frequency over all phrasings. Function words are left out, and the
 * story's own vocabulary (the words of the dataset's terms and the China cues: "police", "station",
 * "chinese"…) weighs little: on a page about the story those words are everywhere, so a claim is
 * told apart by what it says about them (places, numbers, actions).
 */
import type { Dataset } from '../dataset/schema';
import { normaliseForMatch } from './normalise';
import { claimTokens, STEM_CHARS } from './segment';
import { CHINA_CUES } from './cues';
import type { ClaimIndex } from './claim-spot';

/** Weight kept by tokens of the story's own vocabulary. */
export const TOPIC_TOKEN_WEIGHT = 0.25;

// Function words (3+ letters; shorter words are never tokens), diacritics already stripped.
const STOPWORDS = [
  // en
  'the and are was were that with for has have had from this these those they their been its there but which who what than into about after said says also more such can will would could should not any all out other some one was being over only when where while very just',
  // es
  'los las que del por con para como sus esta este estos estas han fue muy pero tambien hay sobre entre segun dijo una uno unos unas ese esa sido desde donde cuando',
  // it
  'gli che sono del della dello per con non nel nella hanno dei delle degli alla anche come questo questi questa sul sulla tra fra stato stati una uno essere dopo',
  // fr
  'les des que qui dans pour aux ont pas cette ces sur par avec elle ils leur plus ete selon une sont est ses son dont mais aussi entre apres',
  // nl
  'het een van zijn dat met voor niet die ook werd heeft hebben naar bij deze dit aan door wordt worden volgens over der den als maar',
  // de
  'der die das und ist sind ein eine einen von mit den dem auf nicht hat haben wurde wurden auch sich des dass sei wird werden fur bei nach aus einem einer vom zum zur nur noch',
  // pt
  'que uma dos das foi tem aos pela pelo mais como seu sua foram esta estao segundo nao sao com para por',
  // id
  'yang dan dari untuk dengan ini itu dalam pada adalah telah sudah akan oleh tersebut',
].join(' ');
const STOP = new Set(STOPWORDS.split(' ').map((w) => w.slice(0, STEM_CHARS)));

// Number words read as numbers ("nueve" = 9), diacritics stripped. Words that are also common
// words in another language ("once", "sei", "lima") are left out: tokens are language-blind.
const NUMBER_WORDS = [
  'two 2 three 3 four 4 five 5 six 6 seven 7 eight 8 nine 9 ten 10 eleven 11 twelve 12 thirteen 13 fifteen 15 twenty 20 thirty 30 fifty 50 hundred 100 dozen 12',
  'dos 2 tres 3 cuatro 4 cinco 5 seis 6 siete 7 ocho 8 nueve 9 diez 10 doce 12 trece 13 quince 15 veinte 20 treinta 30 cincuenta 50 cien 100 centenar 100',
  'due 2 tre 3 quattro 4 cinque 5 sette 7 otto 8 nove 9 dieci 10 undici 11 dodici 12 tredici 13 quindici 15 venti 20 trenta 30 cinquanta 50 cento 100 centinaio 100',
  'deux 2 trois 3 quatre 4 cinq 5 sept 7 huit 8 neuf 9 dix 10 onze 11 douze 12 treize 13 quinze 15 vingt 20 trente 30 cinquante 50 cinquantaine 50 cent 100 centaine 100',
  'twee 2 drie 3 vier 4 vijf 5 zes 6 zeven 7 acht 8 negen 9 tien 10 elf 11 twaalf 12 dertien 13 vijftien 15 twintig 20 dertig 30 vijftig 50 honderd 100',
  'zwei 2 drei 3 funf 5 sechs 6 sieben 7 neun 9 zehn 10 zwolf 12 dreizehn 13 funfzehn 15 zwanzig 20 dreissig 30 funfzig 50 hundert 100',
  'dois 2 duas 2 quatro 4 sete 7 oito 8 dez 10 doze 12 treze 13 vinte 20 trinta 30 cinquenta 50 cem 100',
  'dua 2 tiga 3 empat 4 enam 6 tujuh 7 delapan 8 sembilan 9 sepuluh 10 seratus 100',
].join(' ').split(' ');

/** Compiles the claim index from the dataset's claims (canonical text plus all phrasings). */
export function compileClaimIndex(ds: Dataset): ClaimIndex {
  const topical = new Set<string>();
  const topicTexts = [...ds.terms.filter((t) => t.kind !== 'person' && t.kind !== 'station').map((t) => t.text), ...Object.values(CHINA_CUES).flat()];
  for (const text of topicTexts) for (const tok of claimTokens(normaliseForMatch(text))) if (!tok.startsWith('#')) topical.add(tok);
  // Words of place and people names: they agree through the entity check, not as claim wording.
  const named = new Set<string>();
  for (const c of ds.claims) for (const e of c.entities) for (const tok of claimTokens(normaliseForMatch(e))) named.add(tok);
  const numberWords: Record<string, number> = {};
  for (let i = 0; i + 1 < NUMBER_WORDS.length; i += 2) numberWords[NUMBER_WORDS[i]!.slice(0, STEM_CHARS)] = Number(NUMBER_WORDS[i + 1]);
  const tokenise = (text: string) =>
    [...new Set(claimTokens(normaliseForMatch(text)).map((t) => (numberWords[t] !== undefined ? `#${numberWords[t]}` : t)))].filter((t) => !STOP.has(t));

  const docs: Array<{ claim: number; tokens: string[] }> = [];
  ds.claims.forEach((c, claim) => {
    const texts = new Set<string>([c.text]);
    for (const list of Object.values(c.phrasings)) for (const p of list ?? []) texts.add(p);
    for (const t of texts) {
      const tokens = tokenise(t);
      if (tokens.length) docs.push({ claim, tokens });
    }
  });
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d.tokens) df.set(t, (df.get(t) ?? 0) + 1);
  const tokens = [...df.keys()].sort();
  const tokenId = new Map(tokens.map((t, i) => [t, i]));
  // Hundredths: two digits of IDF are plenty and keep the JSON small.
  const idf = tokens.map((t) => Math.round(Math.log(1 + docs.length / df.get(t)!) * (topical.has(t) ? TOPIC_TOKEN_WEIGHT : 1) * 100));
  return {
    ids: ds.claims.map((c) => c.id),
    numbers: ds.claims.map((c) => c.numbers),
    entities: ds.claims.map((c) => [...new Set(c.entities.map((e) => normaliseForMatch(e)).filter(Boolean))]),
    tokens,
    idf,
    weak: tokens.flatMap((t, i) => (topical.has(t) || named.has(t) ? [i] : [])),
    numberWords,
    phrasings: docs.map((d) => {
      const sorted = d.tokens.map((t) => tokenId.get(t)!).sort((a, b) => a - b);
      return [d.claim, ...sorted.map((id, k) => id - (k ? sorted[k - 1]! : 0))];
    }),
  };
}
