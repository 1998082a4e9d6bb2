/** Tells an HMIS XML file from a CSV folder or zip, cheaply (the CLI loads the XML code only then). */
import fs from 'node:fs';

export function isXmlFile(location: string): boolean {
  if (/\.xml$/i.test(location)) return true;
  try {
    const fd = fs.openSync(location, 'r');
    try {
      const head = Buffer.alloc(64);
      const n = fs.readSync(fd, head, 0, 64, 0);
      return /^\uFEFF?\s*</.test(head.subarray(0, n).toString('utf8'));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}
