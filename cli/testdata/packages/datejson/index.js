// JSON text that keeps Dates: a Date is written {"$date": milliseconds},
// the Extended JSON form, and read back as a Date.

export function stringify(value) {
  return JSON.stringify(value, function (key, v) {
    const raw = this[key];
    return raw instanceof Date ? { $date: raw.getTime() } : v;
  });
}

export function parse(text) {
  return JSON.parse(text, (_key, v) =>
    v !== null && typeof v === 'object' && typeof v.$date === 'number' && Object.keys(v).length === 1
      ? new Date(v.$date)
      : v,
  );
}
