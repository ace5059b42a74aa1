/** Typed handles on nunjucks' untyped internals (compiler, parser, lexer, runtime) that the Jinja patches touch. */
import { nunjucksLibrary } from './nunjucks-library.js';

export interface Token { type: string; value: string; lineno: number; colno: number }
export interface AstNode { lineno: number; colno: number; [field: string]: any }
export type NodeClass = new (lineno: number, colno: number, ...fields: unknown[]) => AstNode;
export interface CompilerThis {
  _emit(code: string): void;
  compile(node: AstNode, frame: unknown): void;
  _compileExpression(node: AstNode, frame: unknown): void;
  _compileAggregate(node: AstNode, frame: unknown, start: string, end: string): void;
}
export interface ParserThis {
  parseCompare(): AstNode;
  parseAggregate(): AstNode;
  parsePrimary(): AstNode;
  parseSignature(): AstNode;
  skipSymbol(name: string): boolean;
  skipValue(type: string, value: string): boolean;
  nextToken(): Token | null;
  peekToken(): Token | null;
  expect(type: string): Token;
  fail(message: string, lineno?: number, colno?: number): never;
}
export interface TokenizerThis {
  str: string;
  index: number;
  lineno: number;
  colno: number;
  in_code: boolean;
  trimBlocks: boolean;
  lstripBlocks: boolean;
  tags: { COMMENT_START: string };
  _matches(text: string): boolean;
  nextToken(): Token | null;
  openCurlies?: number;
  inVariable?: boolean;
  rawBackslashes?: boolean;
  current(): string;
  forward(): void;
  isFinished(): boolean;
}
export interface Context {
  ctx: Record<string, unknown>;
  env: { globals: Record<string, unknown>; getTest(name: string): (...args: unknown[]) => unknown };
}
export interface Frame { lookup(name: string): unknown }

interface Internals {
  runtime: Record<string, any>;
  compiler: { Compiler: { prototype: Record<string, any> } };
  parser: { Parser: { prototype: Record<string, any> }; parse(source: string, extensions: unknown[], opts: unknown): AstNode };
  lexer: Record<string, any>;
  nodes: Record<string, any>;
}

/** nunjucks' internals (nunjucks starts on the first call, see nunjucksLibrary). */
export function internals(): Internals {
  return nunjucksLibrary() as unknown as Internals;
}
