/**
 * Builds the claim-spotting index carried inside the compiled detector (build side only).
 * Every phrasing of every claim, in every language the dataset gives, becomes a bag of tokens
 * weighted by inverse document frequency over all phrasings, so words shared by many claims
 * ("police", "station", "China") count for little and distinctive ones ("Dublin", "#53") for much.
 */
import type { Dataset } from '../dataset/schema';
import { normaliseForMatch } from './normalise';
import { claimTokens } from './segment';
import type { ClaimIndex } from './claim-spot';

/** Compiles the claim index from the dataset's claims (canonical text plus all phrasings). */
export function compileClaimIndex(ds: Dataset): ClaimIndex {
  const docs: Array<{ claim: number; tokens: string[] }> = [];
  ds.claims.forEach((c, claim) => {
    const texts = new Set<string>([c.text]);
    for (const list of Object.values(c.phrasings)) for (const p of list ?? []) texts.add(p);
    for (const t of texts) {
      const tokens = [...new Set(claimTokens(normaliseForMatch(t)))];
      if (tokens.length) docs.push({ claim, tokens });
    }
  });
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d.tokens) df.set(t, (df.get(t) ?? 0) + 1);
  const tokens = [...df.keys()].sort();
  const tokenId = new Map(tokens.map((t, i) => [t, i]));
  const idf = tokens.map((t) => Math.round(Math.log(1 + docs.length / df.get(t)!) * 1000) / 1000);
  return {
    ids: ds.claims.map((c) => c.id),
    numbers: ds.claims.map((c) => c.numbers),
    entities: ds.claims.map((c) => [...new Set(c.entities.map((e) => normaliseForMatch(e)).filter(Boolean))]),
    tokens,
    idf,
    phrasings: docs.map((d) => [d.claim, ...d.tokens.map((t) => tokenId.get(t)!)]),
  };
}
