/**
 * A page's first whole-page decision, taken without a message from the page: the background, which
 * woke the page because its first look found a term, asks for the scanner's text (`question`),
 * decides it and hands the decision back (`answer`), both through `executeScript`; the answer
 * resolves with the findings once they are painted, and the background puts them on the badge.
 * So the page binds no extension API and sends nothing before its highlights show (bench/page-results.md).
 *
 * Either side may come first: the scanner's text waits for the question, the question for the text.
 * Used once; every later decision is asked by message (`detect-page`).
 */
import type { PageDecision, PageFindings } from '@/lib/protocol';

/** How long the scanner waits for the background's question and answer before it asks by message itself. */
export const PULL_WAIT_MS = 5_000;

export class PulledDecision {
  private text: string | null = null;
  private asked = false;
  private textWanted: ((text: string | null) => void) | null = null;
  private decisionWanted: ((decision: PageDecision | null) => void) | null = null;
  private findingsWanted: ((findings: PageFindings | null) => void) | null = null;
  private findings: PageFindings | null | undefined = undefined;
  private closed = false;
  /** The whole exchange has PULL_WAIT_MS: a side that waits longer gets null (the scanner then asks by message). */
  private readonly timer = setTimeout(() => this.close(), PULL_WAIT_MS);

  /** Scanner: the text to decide. Resolves with the background's decision, or null when it gave none in time. */
  decide(text: string): Promise<PageDecision | null> {
    if (this.closed || this.decisionWanted) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.decisionWanted = resolve;
      if (this.textWanted) {
        this.textWanted(text);
        this.textWanted = null;
      } else this.text = text;
    });
  }

  /** Background: the text, once the scanner has collected it; null when it went on without it, or to any question after the first. */
  question(): Promise<string | null> {
    if (this.closed || this.asked) return Promise.resolve(null);
    this.asked = true;
    if (this.text !== null) {
      const text = this.text;
      this.text = null;
      return Promise.resolve(text);
    }
    return new Promise((resolve) => (this.textWanted = resolve));
  }

  /** Background: the decision (null: none). Resolves with the findings painted from it, or null. */
  answer(decision: PageDecision | null): Promise<PageFindings | null> {
    const take = this.decisionWanted;
    if (this.closed || !take) return Promise.resolve(null);
    this.decisionWanted = null;
    const painted = new Promise<PageFindings | null>((resolve) => {
      if (this.findings !== undefined) resolve(this.findings);
      else this.findingsWanted = resolve;
    });
    take(decision);
    return painted;
  }

  /** Scanner: what the answer came to (findings once painted; null when it was not painted from it). Ends the exchange. */
  settle(findings: PageFindings | null): void {
    if (this.findings === undefined) this.findings = findings;
    this.findingsWanted?.(this.findings);
    this.findingsWanted = null;
    this.close();
  }

  /** Ends the exchange: whatever waits gets null. */
  close(): void {
    clearTimeout(this.timer);
    if (this.findings === undefined) this.findings = null;
    this.closed = true;
    this.textWanted?.(null);
    this.decisionWanted?.(null);
    this.findingsWanted?.(null);
    this.textWanted = this.decisionWanted = this.findingsWanted = null;
    this.text = null;
  }
}
