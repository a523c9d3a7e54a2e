/**
 * Tokeniser for MLflow filter and order_by strings.
 *
 * MLflow does not have a grammar of its own: it runs the text through a generic SQL lexer and then
 * inspects the token stream. Which filters are accepted therefore depends on that lexer's quirks
 * (`1.` is a number, `'it''s'` is one string token, `NOT LIKE` is a single comparison operator,
 * a word followed by `.` is always a name, ...). The rules below are ordered to reproduce those
 * decisions for every construct that can change whether a filter is accepted; constructs that can
 * only ever lead to a rejection (SQL keywords, JSON operators, comments) are lumped into "other".
 */

export type TokenKind =
  | "ws"
  | "name" // bare word, `backticked`, ´quoted´ or [bracketed]
  | "symbol" // "double quoted" (a quoted identifier in SQL, a string value in MLflow)
  | "string" // 'single quoted'
  | "integer"
  | "float"
  | "hex"
  | "wildcard"
  | "keyword" // normalised upper-case: AND, OR, IN, IS, NULL, NOT, NOT NULL, ...
  | "order" // ASC / DESC (optionally with NULLS FIRST/LAST)
  | "cmp" // comparison operator, normalised upper-case for the word forms
  | "punct" // ( ) , . ; :: [ ] :
  | "other";

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  /** Upper-cased, whitespace-collapsed text for keywords, word operators and ASC/DESC. */
  norm: string;
}

const W = String.raw`[\p{L}\p{N}_]`;
const LETTER = String.raw`[A-ZÀ-Ü]`; // case-insensitive flag widens this, as in the SQL lexer
const NOT_LETTER_AHEAD = String.raw`(?![_A-ZÀ-Ü])`;

/**
 * Words that steer MLflow's clause assembly, plus the SQL keywords that collide with filter
 * vocabulary (`parameter.1a` fails in MLflow because PARAMETER is a keyword when no name follows
 * the period). Every other bare word behaves as a name; that only ever changes error wording.
 */
const KEYWORDS = new Set(["AND", "OR", "IN", "IS", "NULL", "NOT", "TRUE", "FALSE", "TEXT", "CASE", "VALUES", "USING", "FROM", "AS", "BETWEEN", "SELECT", "WHERE", "PARAMETER", "PARAMETERS", "TIMESTAMP"]);

type Rule = [RegExp, TokenKind | "word"];

const rule = (src: string, kind: TokenKind | "word"): Rule => [new RegExp(src, "iuy"), kind];

const RULES: Rule[] = [
  rule(String.raw`(?:--|# ).*?(?:\r\n|\r|\n|$)`, "other"),
  rule(String.raw`\s+`, "ws"),
  rule(String.raw`:=`, "other"),
  rule(String.raw`::`, "punct"),
  rule(String.raw`\*`, "wildcard"),
  rule("`(?:``|[^`])*`", "name"),
  rule("´(?:´´|[^´])*´", "name"),
  rule(String.raw`\?`, "other"),
  rule(String.raw`%(?:\(${W}+\))?s`, "other"),
  rule(String.raw`(?<!${W})[$:?]${W}+`, "other"),
  rule(String.raw`\\${W}+`, "other"),
  rule(String.raw`(?:CASE|IN|VALUES|USING|FROM|AS)\b`, "word"),
  rule(String.raw`(?:@|##|#)${LETTER}${W}+`, "name"),
  // A word in front of a period is a name even if it is a keyword (`tags.x`, `in.x`).
  rule(String.raw`${LETTER}${W}*(?=\s*\.(?!\d))`, "name"),
  rule(String.raw`(?<=\.)${LETTER}${W}*`, "name"),
  rule(String.raw`${LETTER}${W}*(?=\()`, "name"),
  rule(String.raw`-?0x[\dA-F]+`, "hex"),
  rule(String.raw`-?\d+(?:\.\d+)?E-?\d+`, "float"),
  rule(String.raw`${NOT_LETTER_AHEAD}-?(?:\d+(?:\.\d*)|\.\d+)${NOT_LETTER_AHEAD}`, "float"),
  rule(String.raw`${NOT_LETTER_AHEAD}-?\d+${NOT_LETTER_AHEAD}`, "integer"),
  rule(String.raw`'(?:''|\\'|[^'])*'`, "string"),
  rule(String.raw`"(?:""|\\"|[^"])*"`, "symbol"),
  rule(String.raw`(?:""|".*?[^\\]")`, "symbol"),
  rule(String.raw`(?<![\p{L}\p{N}_\])])\[[^\][]+\]`, "name"),
  rule(String.raw`NOT\s+NULL\b`, "keyword"),
  rule(String.raw`(?:ASC|DESC)(?:\s+NULLS\s+(?:FIRST|LAST))?\b`, "order"),
  rule(String.raw`NULLS\s+(?:FIRST|LAST)\b`, "order"),
  rule(String.raw`(?:NOT\s+)?(?:LIKE|ILIKE|RLIKE)\b`, "cmp"),
  rule(String.raw`(?:NOT\s+)?REGEXP(?:\s+BINARY)?\b`, "cmp"),
  rule(String.raw`${W}[$#\p{L}\p{N}_]*`, "word"),
  rule(String.raw`[;:()[\],.]`, "punct"),
  rule(String.raw`(?:->>?|#>>?|@>|<@|\?\|?|\?&|-|#-)`, "other"),
  rule(String.raw`[<>=~!]+`, "cmp"),
  rule(String.raw`[+/@#%^&|-]+`, "other"),
];

function normalise(text: string): string {
  return text.toUpperCase().replace(/\s+/gu, " ");
}

/** Splits `input` into tokens; never throws (unknown characters become "other" tokens). */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  outer: while (pos < input.length) {
    for (const [re, kind] of RULES) {
      re.lastIndex = pos;
      const m = re.exec(input);
      if (!m || m[0].length === 0) continue;
      const text = m[0];
      let k: TokenKind;
      if (kind === "word") k = KEYWORDS.has(text.toUpperCase()) ? "keyword" : "name";
      else k = kind;
      tokens.push({ kind: k, text, start: pos, norm: k === "keyword" || k === "cmp" || k === "order" ? normalise(text) : text });
      pos += text.length;
      continue outer;
    }
    // Lone surrogates and the like: one code point of garbage.
    const cp = input.codePointAt(pos) ?? 0;
    const text = String.fromCodePoint(cp);
    tokens.push({ kind: "other", text, start: pos, norm: text });
    pos += text.length;
  }
  return tokens;
}
