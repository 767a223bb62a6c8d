/** A file of a dropped or picked folder with its path relative to the drop, e.g. `train/NORMAL/a.png`. */
export interface FolderFile {
  file: Blob;
  path: string;
}

/** What a page gets from `<input type="file" webkitdirectory>` or `filesFromDataTransfer`. */
export type FolderInput = FileList | Iterable<File | FolderFile>;

/**
 * Normalise a FileList / File[] / FolderFile[] to FolderFile[] with '/'-separated paths. A File's
 * path is its `webkitRelativePath` (set by `webkitdirectory` inputs), else its name.
 */
export function toFolderFiles(input: FolderInput): FolderFile[] {
  const out: FolderFile[] = [];
  for (const entry of Array.from(input as Iterable<File | FolderFile>)) {
    if (isFolderFile(entry)) out.push({ file: entry.file, path: clean(entry.path) });
    else out.push({ file: entry, path: clean(entry.webkitRelativePath || entry.name) });
  }
  return out;
}

function isFolderFile(entry: File | FolderFile): entry is FolderFile {
  return typeof (entry as FolderFile).path === 'string' && (entry as FolderFile).file instanceof Blob;
}

const clean = (path: string): string => path.replace(/\\/g, '/').replace(/^\/+/, '');

/** Minimal shapes of the File and Directory Entry API (`DataTransferItem.webkitGetAsEntry()`). */
interface FsEntry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
}
interface FsFileEntry extends FsEntry {
  file(ok: (file: File) => void, fail: (error: unknown) => void): void;
}
interface FsDirectoryEntry extends FsEntry {
  createReader(): { readEntries(ok: (entries: FsEntry[]) => void, fail: (error: unknown) => void): void };
}

/**
 * Every file in a drag-and-drop (folders walked recursively) with its path relative to the drop,
 * so a dropped folder `train/` gives `train/NORMAL/a.png`, … — the same paths a
 * `webkitdirectory` input gives. Call it synchronously in the `drop` handler (the browser empties
 * `dataTransfer` once the handler returns; this reads the entries before its first await).
 */
export async function filesFromDataTransfer(dataTransfer: DataTransfer): Promise<FolderFile[]> {
  const roots: FsEntry[] = [];
  const loose: File[] = [];
  for (const item of Array.from(dataTransfer.items)) {
    if (item.kind !== 'file') continue;
    const entry = (item as DataTransferItem & { webkitGetAsEntry?: () => FsEntry | null }).webkitGetAsEntry?.() ?? null;
    if (entry) roots.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  const out: FolderFile[] = loose.map((file) => ({ file, path: file.name }));
  const walk = async (entry: FsEntry, prefix: string): Promise<void> => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isFile) {
      out.push({ file: await new Promise<File>((ok, fail) => (entry as FsFileEntry).file(ok, fail)), path });
    } else if (entry.isDirectory) {
      const reader = (entry as FsDirectoryEntry).createReader();
      // readEntries returns the children in chunks (100 in Chromium) until an empty chunk.
      for (;;) {
        const chunk = await new Promise<FsEntry[]>((ok, fail) => reader.readEntries(ok, fail));
        if (chunk.length === 0) break;
        for (const child of chunk) await walk(child, path);
      }
    }
  };
  for (const root of roots) await walk(root, '');
  return out;
}
