// The logical structure of a rendered document (PDF/UA, PDF/A-2a): which element of the form each piece of text
// belongs to. It is read from the pdfmake document definition the templates produce — the form's own tables,
// headings and cells — never from pdfmake's boxes, and kept with the rendered pages (so the cache reuses it).
// The file's structure tree and ParentTree are built from it when the file is written (pdf/writer.ts).
//
// How templates say what a node is (all optional):
// - `"tag": "H2"` (or any standard structure type): the node is an element of that type. A path such as
//   `"TOC/TOCI#d1/TOC/TOCI#087/Link#087"` places it deeper: every segment but the last is found or created under the
//   enclosing element; a segment with `#key` is found or created by that key, so two nodes (two cells) can fill one
//   element; the last segment without a key is always a new element.
// - `"tag": "Artifact"` / `"Artifact:Pagination"`: everything drawn for the node is decoration, not content.
// - `"tag": "none"`: no element of its own; a table tagged so is only a layout grid whose cells carry their own tags.
// - `"tagTitle"`: the element's title (`/T`); `"tagAlt"`: its alternate text (`/Alt`, for a `Figure` such as a
//   chart drawn from SVG); `"scope": "Row" | "Column"` for a header cell.
// Tables without a tag are tables: a `Table` of `TR` rows of cells. A cell is a `TH` when its style is `label`
// (a row header: `Scope Row`) or `head` (a column header: `Scope Column`), a `TD` otherwise, unless it says
// otherwise with `"tag"`. Spanned cells carry `RowSpan`/`ColSpan`. Text outside any element is a `P`.

/** One structure element: its type, its parent (index into the list; -1 for the root), title and attributes. */
export interface StructNode {
  s: string;
  p: number;
  t?: string;
  a?: Record<string, string | number>;
  /** The key of an element named by a path segment `Type#key` (not written to the file). */
  k?: string;
  /** Alternate text (`/Alt`): what a figure shows, in words (ISO 14289-1 7.3). */
  alt?: string;
}

/** Node ids for the renderer: a node's `_sid` is its element, or ARTIFACT_*. */
export const ARTIFACT_LAYOUT = -1;
export const ARTIFACT_PAGINATION = -2;

/** Types whose content is the text inside them (a leaf inside one needs no `P` of its own). */
const CONTAINS_TEXT = new Set(['P', 'H', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'TH', 'TD', 'Lbl', 'LBody', 'Link', 'Span', 'Caption', 'Reference', 'Note', 'Quote', 'Code', 'Figure', 'Formula', 'Form', 'BibEntry', 'Index', 'Private']);

const isObject = (v: unknown): v is Record<string, any> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Read the structure of a document definition and mark its nodes (`_sid`) for the renderer. Strings standing as
 * nodes are turned into `{ text }` objects in place, so that every node can carry its mark.
 */
export function tagDefinition(definition: Record<string, any>): StructNode[] {
  const nodes: StructNode[] = [{ s: definition.tag ?? 'Sect', p: -1, t: definition.tagTitle }];
  const keyed = new Map<string, number>();
  const add = (s: string, p: number, extra: Partial<StructNode> = {}) => {
    nodes.push({ s, p, ...extra });
    return nodes.length - 1;
  };
  /** The element a tag path names under `parent`. */
  const resolvePath = (path: string, parent: number): number => {
    const segments = path.split('/');
    let at = parent;
    segments.forEach((segment, i) => {
      const [type, key] = segment.split('#');
      const last = i === segments.length - 1;
      if (last && key === undefined) {
        at = add(type, at);
        return;
      }
      const id = `${at}\0${type}#${key ?? ''}`;
      let found = keyed.get(id);
      if (found === undefined) {
        found = add(type, at, key === undefined ? {} : { k: key });
        keyed.set(id, found);
      }
      at = found;
    });
    return at;
  };
  const withTitle = (id: number, node: Record<string, any>) => {
    if (typeof node.tagTitle === 'string') nodes[id].t = node.tagTitle;
    if (typeof node.tagAlt === 'string') nodes[id].alt = node.tagAlt;
    return id;
  };

  const visitList = (list: unknown[], parent: number, inText: boolean) => {
    list.forEach((child, i) => {
      if (typeof child === 'string') list[i] = { text: child };
      visit(list[i] as Record<string, any>, parent, inText);
    });
  };

  const visitTable = (node: Record<string, any>, parent: number) => {
    const table = add('Table', parent);
    const body: unknown[][] = node.table.body;
    const covered = body.map((row) => row.map(() => false));
    body.forEach((row, r) => {
      const tr = add('TR', table);
      row.forEach((cell, c) => {
        if (covered[r][c]) return;
        if (typeof cell === 'string') row[c] = cell = { text: cell };
        if (!isObject(cell)) return;
        const rowSpan = Math.max(1, Number(cell.rowSpan) || 1);
        const colSpan = Math.max(1, Number(cell.colSpan) || 1);
        for (let dr = 0; dr < rowSpan; dr++) for (let dc = 0; dc < colSpan; dc++) if (covered[r + dr]?.[c + dc] === false) covered[r + dr][c + dc] = true;
        if (cell.tag === 'Artifact' || cell.tag === 'Artifact:Pagination') {
          cell._sid = cell.tag === 'Artifact' ? ARTIFACT_LAYOUT : ARTIFACT_PAGINATION;
          return;
        }
        const style = Array.isArray(cell.style) ? cell.style : [cell.style];
        const type: string = typeof cell.tag === 'string' && cell.tag !== 'none' ? cell.tag : style.includes('label') || style.includes('head') ? 'TH' : 'TD';
        const attributes: Record<string, string | number> = {};
        if (type === 'TH') attributes.Scope = cell.scope ?? (style.includes('head') ? 'Column' : 'Row');
        if (rowSpan > 1) attributes.RowSpan = rowSpan;
        if (colSpan > 1) attributes.ColSpan = colSpan;
        const id = withTitle(add(type, tr, Object.keys(attributes).length > 0 ? { a: attributes } : {}), cell);
        cell._sid = id;
        visitContent(cell, id, true);
      });
    });
  };

  /** What is inside a node whose own element (if any) is already decided. */
  const visitContent = (node: Record<string, any>, element: number, inText: boolean) => {
    if (node.table) {
      if (node.tag === 'none' || (node.tag && !['Table', 'TD', 'TH'].includes(node.tag))) {
        for (const row of node.table.body as unknown[][]) visitList(row, element, inText);
      } else visitTable(node, element);
    } else if (Array.isArray(node.stack)) visitList(node.stack, element, inText);
    else if (Array.isArray(node.columns)) visitList(node.columns, element, inText);
  };

  const visit = (node: Record<string, any>, parent: number, inText: boolean) => {
    if (!isObject(node)) return;
    if (node.tag === 'Artifact' || node.tag === 'Artifact:Pagination') {
      node._sid = node.tag === 'Artifact' ? ARTIFACT_LAYOUT : ARTIFACT_PAGINATION;
      return;
    }
    if (node.table && (node.tag === undefined || node.tag === 'Table')) {
      visitTable(node, parent);
      return;
    }
    let element = parent;
    if (typeof node.tag === 'string' && node.tag !== 'none') {
      element = withTitle(resolvePath(node.tag, parent), node);
      node._sid = element;
    } else if (node.text !== undefined && !inText) {
      element = add('P', parent);
      node._sid = element;
    }
    visitContent(node, element, inText || CONTAINS_TEXT.has(nodes[element].s.replace(/#.*/, '')));
  };

  if (Array.isArray(definition.content)) visitList(definition.content, 0, false);
  else if (isObject(definition.content)) visit(definition.content, 0, false);
  return nodes;
}
