/**
 * Botocore's `pattern` constraints are Java regular expressions (AWS validates requests with
 * java.util.regex, and reports "Member must satisfy regular expression pattern" for a value that
 * does not match the whole pattern: `Matcher.matches()`, so full-match semantics). This translates
 * them into JavaScript `RegExp`s with the `u` flag, construct by construct. A construct JS cannot
 * express is never guessed at: the pattern is returned as skipped with the reason, and the
 * validator records it, so the report can say exactly which constraints were not checked.
 */

export type TranslatedPattern =
  { ok: true; regex: RegExp; source: string; notes: string[] } | { ok: false; reason: string };

// Java's POSIX classes are ASCII-only unless UNICODE_CHARACTER_CLASS is set (AWS does not set it).
const posix: Record<string, string> = {
  Lower: 'a-z',
  Upper: 'A-Z',
  ASCII: '\\x00-\\x7F',
  Alpha: 'a-zA-Z',
  Digit: '0-9',
  Alnum: 'a-zA-Z0-9',
  Punct: '!-\\/:-@\\[-`{-~',
  Graph: '!-~',
  Print: ' -~',
  Blank: ' \\t',
  Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9a-fA-F',
  Space: ' \\t\\n\\x0B\\f\\r',
};
// Unicode general categories and binary properties both dialects name the same way.
const unicodeCategory = /^(?:L[ultmo]?|M[nce]?|N[dlo]?|P[cdseifo]?|S[mcko]?|Z[slp]?|C[cfson]?)$/;
const javaIsProperty: Record<string, string> = {
  IsAlphabetic: 'Alphabetic',
  IsLetter: 'L',
  IsDigit: 'Nd',
  IsUppercase: 'Uppercase',
  IsLowercase: 'Lowercase',
  IsWhite_Space: 'White_Space',
  IsWhiteSpace: 'White_Space',
  IsPunctuation: 'P',
};
// Characters that must stay escaped in a `u`-mode JS regex; any other escaped punctuation is a
// Java "quote this character" escape that `u` mode rejects, so it becomes a literal code point.
const syntax = new Set('^$\\.*+?()[]{}|/'.split(''));
// Java's \S as ranges, so it can sit inside a class: every code point but \t \n \x0B \f \r and space.
const nonSpace = '\\x00-\\x08\\x0E-\\x1F\\x21-\\u{10FFFF}';
const horizontalSpace = ' \\t\\xA0\\u1680\\u180E\\u2000-\\u200A\\u202F\\u205F\\u3000';

class Unsupported extends Error {}

function literal(ch: string, inClass: boolean): string {
  if (syntax.has(ch) || (inClass && ch === '-')) return `\\${ch}`;
  const code = ch.codePointAt(0)!;
  return code < 0x20 || code > 0x7e ? `\\u{${code.toString(16)}}` : ch;
}

/** `{n}`, `{n,}`, `{n,m}` at `i`, or undefined when the brace is a literal (Java allows that). */
function quantifierAt(source: string, i: number): { text: string; min: number } | undefined {
  const match = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
  return match ? { text: match[0], min: Number(match[1]) } : undefined;
}

export function translateJavaPattern(pattern: string): TranslatedPattern {
  const notes: string[] = [];
  let out = '';
  let inClass = false;
  let classStart = -1;
  let flags = 'u';
  let i = 0;
  try {
    if (pattern.startsWith('(?i)')) {
      flags += 'i';
      i = 4;
    }
    while (i < pattern.length) {
      const ch = pattern[i]!;
      if (ch === '\\') {
        const next = pattern[i + 1];
        if (next === undefined) throw new Unsupported('trailing backslash');
        if (next === 'p' || next === 'P') {
          const m = /^\{(\^?)([A-Za-z_]+)\}/.exec(pattern.slice(i + 2));
          const name = m?.[2] ?? pattern[i + 2];
          if (!name) throw new Unsupported('empty \\p');
          const negated = (next === 'P') !== Boolean(m?.[1]);
          const consumed = m ? m[0].length : 1;
          const bare = name.replace(/^Is(?=[A-Z][a-z]?$)/, '');
          let body: string;
          if (posix[name]) body = posix[name];
          else if (javaIsProperty[name]) body = `\\p{${javaIsProperty[name]}}`;
          else if (unicodeCategory.test(bare)) body = `\\p{${bare}}`;
          else throw new Unsupported(`Java property \\p{${name}}`);
          if (inClass) {
            if (negated) throw new Unsupported(`negated \\P{${name}} inside a class`);
            out += body;
          } else out += negated ? `[^${body}]` : `[${body}]`;
          i += 2 + consumed;
          continue;
        }
        if (next === 'Q') {
          const end = pattern.indexOf('\\E', i + 2);
          const quoted = pattern.slice(i + 2, end === -1 ? undefined : end);
          for (const c of quoted) out += literal(c, inClass);
          i = end === -1 ? pattern.length : end + 2;
          continue;
        }
        if (next === 'x' && pattern[i + 2] === '{') {
          const end = pattern.indexOf('}', i + 3);
          out += `\\u{${pattern.slice(i + 3, end)}}`;
          i = end + 1;
          continue;
        }
        if (!inClass && (next === 'A' || next === 'z')) {
          out += next === 'A' ? '^' : '$';
          i += 2;
          continue;
        }
        if (!inClass && next === 'Z') {
          out += '(?=\\n?$)';
          i += 2;
          continue;
        }
        if (next === 'h') {
          out += inClass ? horizontalSpace : `[${horizontalSpace}]`;
          i += 2;
          continue;
        }
        if (next === 'e' || next === 'a') {
          out += next === 'e' ? '\\x1B' : '\\x07';
          i += 2;
          continue;
        }
        if (next === 's' || next === 'S') {
          // Java's \s is ASCII whitespace; JS's also matches Unicode spaces (U+00A0, U+2028, ...).
          const ascii = posix.Space!;
          if (inClass) out += next === 's' ? ascii : nonSpace;
          else out += next === 's' ? `[${ascii}]` : `[^${ascii}]`;
          i += 2;
          continue;
        }
        if (/[dDwWbBnrtfv0-9]/.test(next) || (next === 'x' && /^[0-9a-fA-F]{2}$/.test(pattern.slice(i + 2, i + 4)))) {
          out += `\\${next}`;
          i += 2;
          continue;
        }
        if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(pattern.slice(i + 2, i + 6))) {
          out += pattern.slice(i, i + 6);
          i += 6;
          continue;
        }
        if (/[A-Za-z]/.test(next)) throw new Unsupported(`escape \\${next}`);
        out += literal(next, inClass);
        i += 2;
        continue;
      }
      if (inClass) {
        if (ch === '[') throw new Unsupported('nested character class (Java union)');
        if (ch === '&' && pattern[i + 1] === '&') throw new Unsupported('character class intersection &&');
        if (ch === ']' && i > classStart) {
          inClass = false;
          out += ']';
          i += 1;
          continue;
        }
        out += ch === ']' ? '\\]' : ch === '-' ? '-' : literal(ch, true).replace(/^\\-$/, '-');
        i += 1;
        continue;
      }
      if (ch === '[') {
        inClass = true;
        out += '[';
        i += 1;
        if (pattern[i] === '^') {
          out += '^';
          i += 1;
        }
        // Java reads a `]` right after `[` or `[^` as a literal (JS would close an empty class).
        classStart = i;
        continue;
      }
      if (ch === '(' && pattern[i + 1] === '?') {
        const rest = pattern.slice(i + 2);
        if (rest.startsWith('>')) {
          // An atomic group only ever matches a subset of what the plain group matches.
          notes.push('atomic group read as a plain group (accepts a superset)');
          out += '(?:';
          i += 3;
          continue;
        }
        if (/^(?::|=|!|<=|<!|<[A-Za-z])/.test(rest)) {
          out += '(?';
          i += 2;
          continue;
        }
        throw new Unsupported(`group construct (?${rest.slice(0, 2)}`);
      }
      if (ch === '{') {
        const q = quantifierAt(pattern, i);
        if (!q) {
          out += '\\{';
          i += 1;
          continue;
        }
        out += q.text;
        i += q.text.length;
        if (pattern[i] === '+') {
          notes.push('possessive quantifier read as greedy (accepts a superset)');
          i += 1;
        }
        continue;
      }
      if (ch === '}') {
        out += '\\}';
        i += 1;
        continue;
      }
      if ((ch === '*' || ch === '+' || ch === '?') && pattern[i + 1] === '+') {
        notes.push('possessive quantifier read as greedy (accepts a superset)');
        out += ch;
        i += 2;
        continue;
      }
      if (ch === '^' || ch === '$') {
        // Java lets an anchor carry a quantifier (botocore has `...)${1,128}`); JS does not. A
        // zero-width assertion repeated n >= 1 times is the assertion; repeated {0,...} it is nothing.
        const q = quantifierAt(pattern, i + 1);
        const simple = /^[*+?]/.exec(pattern.slice(i + 1));
        if (q || simple) {
          const min = q ? q.min : simple![0] === '+' ? 1 : 0;
          notes.push(`quantified anchor ${ch}${q ? q.text : simple![0]} read as ${min > 0 ? ch : 'nothing'}`);
          if (min > 0) out += ch;
          i += 1 + (q ? q.text.length : 1);
          continue;
        }
      }
      out += ch;
      i += 1;
    }
    if (inClass) throw new Unsupported('unclosed character class');
    const source = `^(?:${out})$`;
    return { ok: true, regex: new RegExp(source, flags), source, notes };
  } catch (error) {
    if (error instanceof Unsupported) return { ok: false, reason: error.message };
    return { ok: false, reason: `not a valid JS regex after translation: ${(error as Error).message}` };
  }
}
