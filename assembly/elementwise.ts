// placeholder until the family lands
export function fill_f64(start: i32, end: i32, x: usize, value: f64): void {
  for (let i = start; i < end; i++) store<f64>(x + (<usize>i << 3), value);
}
