import { Transform, type TransformCallback } from "node:stream";
import { StringDecoder } from "node:string_decoder";

/**
 * Decodes UTF-8, drops a leading BOM and turns CRLF into LF. csv-parse counts the
 * CR and the LF of a CRLF as separate lines inside quoted fields, so its line
 * numbers are only right on LF text; a quoted CRLF therefore reads as "\n".
 */
export class LineEndNormalizer extends Transform {
  private readonly decoder = new StringDecoder("utf8");
  private first = true;
  private pendingCr = false;

  constructor() {
    super({ readableObjectMode: false, decodeStrings: true, encoding: "utf8" });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.emitText(this.decoder.write(chunk), false);
    done();
  }

  override _flush(done: TransformCallback): void {
    this.emitText(this.decoder.end(), true);
    done();
  }

  private emitText(decoded: string, last: boolean): void {
    let text = (this.pendingCr ? "\r" : "") + decoded;
    this.pendingCr = false;
    if (this.first && text.length > 0) {
      this.first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (!last && text.endsWith("\r")) {
      this.pendingCr = true;
      text = text.slice(0, -1);
    }
    text = text.replace(/\r\n/g, "\n");
    if (text.length > 0) this.push(text);
  }
}
