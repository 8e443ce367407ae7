/**
 * The batch checker's worker: streams the chosen file, matches every post and sends rows back in
 * slices, so the checker page stays responsive through 100,000 posts. One run per worker; the page
 * starts a fresh worker for each run and ends it afterwards.
 */
import { buildClaimIndex } from '@/lib/match/claim-match';
import { runBatch, streamChunks, type BatchWorkerMessage, type BatchWorkerRequest } from '@/lib/batch/batch-run';

// The DOM typings describe a window; a dedicated worker's scope has the same two members we use.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<BatchWorkerRequest>) => void) | null;
  postMessage(message: BatchWorkerMessage): void;
};

const controller = new AbortController();
let started = false;

scope.onmessage = (event) => {
  const request = event.data;
  if (request.type === 'cancel') {
    controller.abort();
    return;
  }
  if (started) return;
  started = true;
  void (async () => {
    const t0 = performance.now();
    let indexMs = 0;
    try {
      const index = buildClaimIndex(request.dataset);
      indexMs = performance.now() - t0;
      const outcome = await runBatch(streamChunks(request.file.stream()), request.file.size, index, request.options, {
        onRows: (rows, progress) => scope.postMessage({ type: 'rows', rows, progress }),
        signal: controller.signal,
      });
      scope.postMessage({ type: 'end', outcome, elapsedMs: performance.now() - t0, indexMs });
    } catch (error) {
      // Not bad input (runBatch reports that itself) but a failure of ours: say so rather than hang.
      scope.postMessage({
        type: 'end',
        outcome: { status: 'failed', rows: 0, matched: 0, error: `the check stopped unexpectedly: ${error instanceof Error ? error.message : String(error)}` },
        elapsedMs: performance.now() - t0,
        indexMs,
      });
    }
  })();
};
