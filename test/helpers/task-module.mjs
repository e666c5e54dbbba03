// Module-reference tasks: workers import() this file, so its own imports work.
import { createHash } from 'node:crypto';

export function sha256(text) {
  return createHash('sha256').update(text).digest('hex');
}

let greeting = 'unset';
export function setGreeting(g) {
  greeting = g;
}
export function greet(name) {
  return `${greeting}, ${name}`;
}

export async function slowDouble(x) {
  await new Promise((r) => setTimeout(r, 5));
  return 2 * x;
}
