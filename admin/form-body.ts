// Reads a back-office request body (a form, a multipart form with files, or JSON) within limits, in place of
// express-formidable: uploaded files go to a temporary folder and are removed when the response ends, however it ends.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Request, Response } from 'express';
import busboy from 'busboy';
import type { UploadedFile } from 'adminjs';
import { OperationalError } from '../src/errors.js';

export interface BodyLimits {
  /** The whole body, in bytes. */
  maxBytes: number;
  /** One field's value, in bytes. */
  maxFieldBytes: number;
  maxFields: number;
  /** 0: the route takes no files. */
  maxFiles: number;
  maxFileBytes: number;
  /** JSON is accepted besides forms (the back office's own API calls send it). */
  json: boolean;
  /** What a refusal for size says instead of the general "The request is too large" (e.g. the import's file limit). */
  tooLargeMessage?: string;
}

export interface ParsedBody {
  fields: Record<string, unknown>;
  files: Record<string, UploadedFile>;
}

/** A body the back office will not read: the status to answer and a message a person can act on. */
export class BodyRefused extends OperationalError {
  constructor(override readonly status: 400 | 413 | 415, message: string) {
    super(message);
  }
}

export function megabytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** The media type of a request, lower case, without parameters ('' when there is none). */
export function mediaType(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/** True when the request carries a body (as Node decides: a length above 0, or chunked). */
export function hasBody(req: Request): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

export const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'] as const;

/**
 * The request's temporary files, removed when its response closes (sent, failed or the client went away). A file
 * is removed only after its write stream closed, so a file still being opened is not left behind.
 */
class TempFiles {
  private readonly streams: fs.WriteStream[] = [];

  constructor(res: Response) {
    res.once('close', () => this.removeAll());
  }

  create(folder: string): { path: string; stream: fs.WriteStream } {
    const file = path.join(folder, `upload_${crypto.randomBytes(16).toString('hex')}`);
    const stream = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 });
    this.streams.push(stream);
    return { path: file, stream };
  }

  private removeAll(): void {
    for (const stream of this.streams) {
      const remove = (): void => fs.rm(String(stream.path), { force: true }, () => undefined);
      if (stream.closed) remove();
      else {
        stream.once('close', remove);
        stream.destroy();
      }
    }
  }
}

/** Reads the body; rejects with BodyRefused for a body over a limit, of another type, or malformed. */
export function readBody(req: Request, res: Response, limits: BodyLimits, uploadDir: string): Promise<ParsedBody> {
  const type = mediaType(req);
  if (type === 'application/json' && limits.json) return readJson(req, limits);
  if ((FORM_TYPES as readonly string[]).includes(type)) return readForm(req, res, limits, uploadDir);
  return Promise.reject(new BodyRefused(415, unsupportedTypeMessage(type, limits.json)));
}

export function unsupportedTypeMessage(type: string, json: boolean): string {
  const accepted = json ? 'a form (urlencoded or multipart/form-data) or JSON' : 'a form (urlencoded or multipart/form-data)';
  return `This address accepts ${accepted}, not ${type || 'a body without a Content-Type'}.`;
}

export function tooLargeMessage(limits: BodyLimits): string {
  return limits.tooLargeMessage ?? `The request is too large: at most ${megabytes(limits.maxBytes)} are accepted here.`;
}

function tooLarge(limits: BodyLimits): BodyRefused {
  return new BodyRefused(413, tooLargeMessage(limits));
}

/** Counts the bytes as they arrive, so a chunked body (no Content-Length) is held to the limit too. */
function countBytes(req: Request, limits: BodyLimits, fail: (error: BodyRefused) => void): () => void {
  let received = 0;
  const onData = (chunk: Buffer): void => {
    received += chunk.length;
    if (received > limits.maxBytes) fail(tooLarge(limits));
  };
  req.on('data', onData);
  return () => req.off('data', onData);
}

function readJson(req: Request, limits: BodyLimits): Promise<ParsedBody> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (error: Error | null, body?: ParsedBody): void => {
      if (settled) return;
      settled = true;
      stopCounting();
      req.off('data', collect);
      if (error) {
        req.pause();
        reject(error);
      } else resolve(body!);
    };
    const stopCounting = countBytes(req, limits, (error) => settle(error));
    const collect = (chunk: Buffer): void => void chunks.push(chunk);
    req.on('data', collect);
    req.once('error', (error) => settle(error));
    req.once('end', () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        settle(new BodyRefused(400, 'The request body is not valid JSON.'));
        return;
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        settle(new BodyRefused(400, 'The request body must be a JSON object.'));
        return;
      }
      settle(null, { fields: parsed as Record<string, unknown>, files: {} });
    });
  });
}

function readForm(req: Request, res: Response, limits: BodyLimits, uploadDir: string): Promise<ParsedBody> {
  return new Promise((resolve, reject) => {
    // busboy stops quietly at a limit and says so by an event, answered below; files are counted below (an empty
    // file input is no file), the parts limit leaves room for one such input
    const maxParts = limits.maxFields + limits.maxFiles + 1;
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { fieldSize: limits.maxFieldBytes, fields: limits.maxFields, fileSize: limits.maxFileBytes, parts: maxParts },
      });
    } catch (error) {
      reject(new BodyRefused(400, `The form cannot be read: ${(error as Error).message}.`));
      return;
    }
    const temp = new TempFiles(res);
    // no prototype: a field named __proto__ is just a field
    const fields: Record<string, unknown> = Object.create(null);
    const files: Record<string, UploadedFile> = Object.create(null);
    const writes: Promise<void>[] = [];
    let fileCount = 0;
    let settled = false;

    const settle = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      stopCounting();
      if (error) {
        req.unpipe(parser);
        req.pause();
        parser.removeAllListeners();
        parser.on('error', () => undefined);
        // not from inside busboy's own event (a file's 'limit'): it goes on with the part after emitting it
        setImmediate(() => parser.destroy());
        reject(error);
        return;
      }
      Promise.all(writes).then(() => resolve({ fields, files }), reject);
    };
    const stopCounting = countBytes(req, limits, (error) => settle(error));

    parser.on('field', (name, value, info) => {
      if (info.valueTruncated || info.nameTruncated) {
        settle(new BodyRefused(413, `The field "${name.slice(0, 100)}" is too large: at most ${megabytes(limits.maxFieldBytes)} a field.`));
        return;
      }
      fields[name] = value;
    });
    parser.on('fieldsLimit', () => settle(new BodyRefused(413, `The form has too many fields: at most ${limits.maxFields}.`)));
    parser.on('partsLimit', () => settle(new BodyRefused(413, `The form has too many parts: at most ${maxParts}.`)));
    parser.on('file', (name, stream, info) => {
      // a part cut short (the request refused or broken) errors: nothing more to do with it
      stream.on('error', () => undefined);
      // an empty file input (no file chosen) sends a part without a name: nothing to keep
      const filename = info.filename ?? '';
      if (filename === '' || settled) {
        stream.resume();
        return;
      }
      fileCount += 1;
      if (fileCount > limits.maxFiles) {
        stream.resume();
        settle(limits.maxFiles === 0
          ? new BodyRefused(400, 'This address takes no files.')
          : new BodyRefused(413, `At most ${limits.maxFiles} file${limits.maxFiles === 1 ? '' : 's'} can be sent at once.`));
        return;
      }
      const target = temp.create(uploadDir);
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      stream.once('limit', () => settle(new BodyRefused(413, limits.tooLargeMessage ?? `The file "${filename.slice(0, 100)}" is too large: at most ${megabytes(limits.maxFileBytes)}.`)));
      const written = new Promise<void>((done, failed) => {
        target.stream.once('finish', () => {
          files[name] = { path: target.path, name: filename, type: info.mimeType, size };
          done();
        });
        target.stream.once('error', failed);
      });
      // awaited only when the form is read to the end; a refused form's files fail unobserved
      written.catch(() => undefined);
      writes.push(written);
      stream.pipe(target.stream);
    });
    parser.once('error', (error: Error) => settle(new BodyRefused(400, `The form cannot be read: ${error.message}.`)));
    parser.once('close', () => settle(null));
    req.once('error', (error) => settle(error));
    req.pipe(parser);
  });
}
