/**
 * An annotation note. The note is parsed into a tree of plain nodes (lib/export/markdown.ts) and
 * rendered as Preact elements — never as an HTML string — so a note cannot inject markup or script.
 */
import type { ComponentChildren } from 'preact';
import { renderNote, type MdBlock, type MdInline } from '@/lib/export/markdown';
import { safeHttpUrl } from '@/lib/safe-url';

function inline(nodes: readonly MdInline[]): ComponentChildren {
  return nodes.map((node, i) => {
    switch (node.type) {
      case 'text':
        return node.text;
      case 'break':
        return <br key={i} />;
      case 'emphasis':
        return <em key={i}>{inline(node.children)}</em>;
      case 'strong':
        return <strong key={i}>{inline(node.children)}</strong>;
      case 'code':
        return <code key={i}>{node.text}</code>;
      case 'link': {
        const href = safeHttpUrl(node.href);
        return href ? (
          <a key={i} href={href} target="_blank" rel="noopener noreferrer nofollow">
            {inline(node.children)}
          </a>
        ) : (
          <span key={i}>{inline(node.children)}</span>
        );
      }
    }
  });
}

function block(node: MdBlock, i: number): ComponentChildren {
  switch (node.type) {
    case 'paragraph':
      return <p key={i}>{inline(node.children)}</p>;
    case 'codeBlock':
      return (
        <pre key={i}>
          <code>{node.text}</code>
        </pre>
      );
    case 'list': {
      const items = node.items.map((item, j) => <li key={j}>{inline(item)}</li>);
      return node.ordered ? (
        <ol key={i} start={node.start}>
          {items}
        </ol>
      ) : (
        <ul key={i}>{items}</ul>
      );
    }
  }
}

export function NoteView({ note, format }: { note: string; format: 'text' | 'markdown' }) {
  return <div class="sw-note">{renderNote(note, format).map(block)}</div>;
}
