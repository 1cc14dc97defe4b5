import { describe, expect, it } from 'vitest';
import { BoundedMap } from '#core/bounded-map.js';

describe('BoundedMap', () => {
  it('keeps at most max entries, dropping the oldest and handing it to onEvict', () => {
    const evicted: Array<[string, number]> = [];
    const m = new BoundedMap<string, number>(2, (k, v) => evicted.push([k, v]));
    m.set('a', 1).set('b', 2);
    expect(evicted).toEqual([]);
    m.set('c', 3);
    expect([...m.keys()]).toEqual(['b', 'c']);
    expect(evicted).toEqual([['a', 1]]);
    m.set('b', 20); // an existing key is updated in place, nothing dropped
    expect(m.size).toBe(2);
    expect(evicted).toHaveLength(1);
  });
});
