/** One lazily created value per key, kept for the container's life (SDK clients per region or subscription). */
export function perKey<K, V>(create: (key: K) => V): (key: K) => V {
  const made = new Map<K, V>();
  return (key) => {
    let value = made.get(key);
    if (value === undefined) {
      value = create(key);
      made.set(key, value);
    }
    return value;
  };
}
