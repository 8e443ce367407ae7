/**
 * A small in-memory BM25 index over pre-tokenised documents (Robertson/Spärck Jones weighting,
 * the Lucene variant of idf that never goes negative).
 *
 * Term weights are precomputed per posting at build time, so a query is a handful of array walks:
 * the claim matcher runs it once per sentence and has a budget of tens of microseconds.
 * Pure: no DOM, no Node modules.
 */

/** BM25 term-frequency saturation; 1.2 is the textbook default and short phrasings do not need more. */
export const BM25_K1 = 1.2;
/** BM25 length normalisation; phrasings are all short sentences, so it is kept mild. */
export const BM25_B = 0.5;

export interface Bm25Index {
  /** term → term id */
  readonly vocab: Map<string, number>;
  /** idf per term id */
  readonly idf: Float64Array;
  /** postings per term id: doc ids, and the precomputed BM25 weight of the term in that doc */
  readonly postDocs: Int32Array[];
  readonly postWeights: Float64Array[];
  /** BM25 score of each document against itself (its best possible match) */
  readonly selfScore: Float64Array;
  readonly docCount: number;
}

/** Lucene's BM25 idf: log(1 + (N - df + 0.5) / (df + 0.5)); positive for every df. */
export function bm25Idf(docCount: number, df: number): number {
  return Math.log(1 + (docCount - df + 0.5) / (df + 0.5));
}

/** Builds the index from documents given as token lists (duplicates count as term frequency). */
export function buildBm25(docs: readonly (readonly string[])[], k1 = BM25_K1, b = BM25_B): Bm25Index {
  const vocab = new Map<string, number>();
  const tfs: Map<number, number>[] = [];
  let totalLen = 0;
  for (const doc of docs) {
    const tf = new Map<number, number>();
    for (const term of doc) {
      let id = vocab.get(term);
      if (id === undefined) {
        id = vocab.size;
        vocab.set(term, id);
      }
      tf.set(id, (tf.get(id) ?? 0) + 1);
    }
    tfs.push(tf);
    totalLen += doc.length;
  }
  const docCount = docs.length;
  const avgLen = docCount > 0 ? totalLen / docCount : 1;
  const df = new Int32Array(vocab.size);
  for (const tf of tfs) for (const id of tf.keys()) df[id]! += 1;
  const idf = new Float64Array(vocab.size);
  for (let id = 0; id < vocab.size; id++) idf[id] = bm25Idf(docCount, df[id]!);

  const postDocs: Int32Array[] = [];
  const postWeights: Float64Array[] = [];
  const fill = new Int32Array(vocab.size);
  for (let id = 0; id < vocab.size; id++) {
    postDocs.push(new Int32Array(df[id]!));
    postWeights.push(new Float64Array(df[id]!));
  }
  const selfScore = new Float64Array(docCount);
  tfs.forEach((tf, docId) => {
    const len = docs[docId]!.length;
    const norm = k1 * (1 - b + (b * len) / avgLen);
    let self = 0;
    for (const [id, f] of tf) {
      const w = (idf[id]! * f * (k1 + 1)) / (f + norm);
      const slot = fill[id]!;
      postDocs[id]![slot] = docId;
      postWeights[id]![slot] = w;
      fill[id] = slot + 1;
      // Self-match: the query holds each term once, as sentences rarely repeat a word.
      self += w;
    }
    selfScore[docId] = self;
  });
  return { vocab, idf, postDocs, postWeights, selfScore, docCount };
}

/**
 * Scores every document that shares a term with the query (optionally weighting each query term). `scores` must be a zeroed array of
 * docCount entries; the ids of touched documents are written to `touched` and their count returned,
 * so the caller can read and re-zero only those.
 */
export function scoreBm25(
  index: Bm25Index,
  termIds: readonly number[],
  scores: Float64Array,
  touched: Int32Array,
  queryWeights?: readonly number[],
): number {
  let count = 0;
  for (let q = 0; q < termIds.length; q++) {
    const id = termIds[q]!;
    const boost = queryWeights ? queryWeights[q]! : 1;
    const docs = index.postDocs[id]!;
    const weights = index.postWeights[id]!;
    for (let i = 0; i < docs.length; i++) {
      const d = docs[i]!;
      if (scores[d] === 0) touched[count++] = d;
      scores[d]! += weights[i]! * boost;
    }
  }
  return count;
}
