/** A short human label for a record, for lists. */
import type { CardItem } from '@/lib/dataset/context';

/** Record id and a one-line label. */
export function recordLabel(item: CardItem): { id: string; label: string } {
  switch (item.kind) {
    case 'claim': return { id: item.claim.id, label: item.claim.text };
    case 'station': return { id: item.station.id, label: `${item.station.city}, ${item.station.country}` };
    case 'report': return { id: item.report.id, label: item.report.title };
    case 'response': return { id: item.response.id, label: `${item.response.country}: ${item.response.actor}` };
    case 'denial': return { id: item.denial.id, label: item.denial.speaker };
  }
}
