// Names quoted for messages: JSON quoting, with every control character (Unicode Cc) escaped,
// so a name shown in an error can never start a new line or hide a character.

export function quoted(text: string): string {
  return JSON.stringify(text).replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
