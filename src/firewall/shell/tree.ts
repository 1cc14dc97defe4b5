import Parser from 'tree-sitter';
import Bash from 'tree-sitter-bash';

/**
 * A plain-object copy of the tree-sitter syntax tree, built in one cursor pass. Touching native
 * node wrappers for every property made minor GCs take tens of milliseconds on the hot path; the
 * cursor getters return primitives, so the copy is cheap and garbage-collects like any object.
 */
export interface PNode {
  readonly type: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly isNamed: boolean;
  readonly field: string | undefined;
  readonly text: string;
  readonly children: PNode[];
  readonly namedChildren: PNode[];
  childForFieldName(name: string): PNode | null;
  descendantsOfType(types: string | string[]): PNode[];
}

class Node implements PNode {
  readonly children: PNode[] = [];
  readonly namedChildren: PNode[] = [];
  constructor(
    private readonly src: string,
    readonly type: string,
    readonly startIndex: number,
    readonly endIndex: number,
    readonly isNamed: boolean,
    readonly field: string | undefined,
  ) {}
  get text(): string {
    return this.src.slice(this.startIndex, this.endIndex);
  }
  childForFieldName(name: string): PNode | null {
    return this.children.find((c) => c.field === name) ?? null;
  }
  descendantsOfType(types: string | string[]): PNode[] {
    const want = typeof types === 'string' ? [types] : types;
    const out: PNode[] = [];
    const visit = (n: PNode): void => {
      for (const c of n.children) {
        if (want.includes(c.type)) out.push(c);
        visit(c);
      }
    };
    visit(this);
    return out;
  }
}

let parser: Parser | undefined;

export interface ParsedTree {
  readonly root: PNode;
  readonly hasError: boolean;
}

/** Parses bash source and copies the tree into plain objects. */
export function parseBash(src: string): ParsedTree {
  if (parser === undefined) {
    parser = new Parser();
    parser.setLanguage(Bash as unknown as Parser.Language);
  }
  const tree = parser.parse(src);
  const cur = tree.walk();
  let hasError = false;
  const build = (): Node => {
    const field = cur.currentFieldName as string | undefined | null;
    if (cur.nodeType === 'ERROR' || cur.nodeIsMissing) hasError = true;
    const n = new Node(src, cur.nodeType, cur.startIndex, cur.endIndex, cur.nodeIsNamed, field ?? undefined);
    if (cur.gotoFirstChild()) {
      do {
        const c = build();
        n.children.push(c);
        if (c.isNamed) n.namedChildren.push(c);
      } while (cur.gotoNextSibling());
      cur.gotoParent();
    }
    return n;
  };
  const root = build();
  return { root, hasError };
}
