// The same tiny task for piscina, which needs it in a file.
export default function inc(x) {
  return x + 1;
}
