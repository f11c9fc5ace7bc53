// --format json: the public documents (render/document.ts), two-space indented, one per run.

import { reapDocument, snapshotDocument } from '../document.js';
import type { OutputFormat } from './format.js';

const write = (doc: unknown) => JSON.stringify(doc, null, 2) + '\n';

export const jsonFormat: OutputFormat = {
  name: 'json',
  snapshot: (snap) => write(snapshotDocument(snap)),
  report: (r) => write(reapDocument(r)),
};
