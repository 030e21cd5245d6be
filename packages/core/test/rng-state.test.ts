/**
 * getRngState / setRngState: a snapshot of the one global generator, JSON-able, restoring which
 * makes every following draw bit-identical — rand, randn (with a Box–Muller spare pending or not),
 * and the primitives that @backprop/nn's initializers (randomUniform, randomNormal), dropout
 * (randomUniform) and shuffling (randomInt) draw from. A bad state is refused, naming the field,
 * and leaves the generator untouched.
 */
import { describe, expect, it } from "vitest";
import {
  getRngState, manualSeed, rand, randn, randomInt, randomNormal, randomUniform, setRngState, type RngState,
} from "../src/index.js";

/** A mixed sequence of draws, as training would make them: every kind of draw, odd randn counts. */
function draws(): number[] {
  return [
    ...rand([3, 5]).data, ...randn([7], { dtype: "float64" }).data, randomUniform(), randomNormal(),
    randomInt(10), randomInt(1000), ...rand([4], { dtype: "float64" }).data, ...randn([3]).data, randomNormal(),
  ];
}

const sameBits = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

describe("getRngState / setRngState", () => {
  it("restoring a state makes the following draws bit-identical, through JSON too", () => {
    manualSeed(7);
    rand([3]); // move away from the seed's start
    const s = getRngState();
    const first = draws();
    const again = draws();
    expect(sameBits(first, again)).toBe(false);
    setRngState(s);
    expect(sameBits(draws(), first)).toBe(true);
    setRngState(JSON.parse(JSON.stringify(s)) as RngState);
    const viaJson = draws();
    expect(sameBits(viaJson, first)).toBe(true);
    expect(sameBits(draws(), again)).toBe(true); // and the stream goes on as before
  });

  it("keeps randn's pending Box–Muller value: a state taken after an odd number of normals", () => {
    manualSeed(3);
    randn([1]); // draws a pair, keeps the second
    const s = getRngState();
    expect(typeof s.spareNormal).toBe("number");
    const next = [randomNormal(), randomNormal(), randomNormal()];
    setRngState(JSON.parse(JSON.stringify(s)) as RngState);
    expect(sameBits([randomNormal(), randomNormal(), randomNormal()], next)).toBe(true);
    // After an even number, nothing is pending.
    manualSeed(3);
    randn([2]);
    expect(getRngState().spareNormal).toBeNull();
  });

  it("has the documented form: the generator's name, four 32-bit words, the spare; a fresh object each time", () => {
    manualSeed(0);
    const s = getRngState();
    expect(Object.keys(s).sort()).toEqual(["generator", "spareNormal", "state"]);
    expect(s.generator).toBe("xoshiro128**");
    expect(s.state).toHaveLength(4);
    for (const w of s.state) expect(Number.isInteger(w) && w >= 0 && w < 2 ** 32).toBe(true);
    expect(s.spareNormal).toBeNull();
    s.state[0] = 12345; // changing the snapshot changes nothing
    expect(getRngState().state[0]).not.toBe(12345);
    // manualSeed and the state agree: the same seed, the same state.
    manualSeed(0);
    const a = getRngState();
    rand([1]);
    manualSeed(0);
    expect(getRngState()).toEqual(a);
    expect(getRngState()).not.toEqual({ ...a, state: [0, 0, 0, 1] });
  });

  it("refuses a bad state, naming what is wrong, and changes nothing", () => {
    manualSeed(11);
    rand([5]);
    const good = getRngState();
    const bad: [unknown, RegExp][] = [
      [null, /setRngState: expected the object getRngState\(\) returns .*got null/],
      [[1, 2, 3, 4], /setRngState: expected the object .*got \[1, 2, 3, 4\]/],
      ["state", /got "state"/],
      [{ ...good, extra: 1 }, /setRngState: unknown key "extra"; a state has exactly: generator, state, spareNormal/],
      [{ generator: good.generator, state: good.state }, /setRngState: the state has no "spareNormal"/],
      [{ ...good, generator: "mt19937" }, /setRngState: generator must be "xoshiro128\*\*" .*got "mt19937"/],
      [{ ...good, state: [1, 2, 3] }, /setRngState: state must be an array of 4 unsigned 32-bit integers, got \[1, 2, 3\]/],
      [{ ...good, state: "1,2,3,4" }, /state must be an array of 4 .*got "1,2,3,4"/],
      [{ ...good, state: [1, 2, 3, 2 ** 32] }, /setRngState: state\[3\] must be an integer in \[0, 2\^32\), got 4294967296/],
      [{ ...good, state: [1, -1, 3, 4] }, /state\[1\] must be an integer .*got -1/],
      [{ ...good, state: [1, 2.5, 3, 4] }, /state\[1\] .*got 2.5/],
      [{ ...good, state: [1, "2", 3, 4] }, /state\[1\] .*got "2"/],
      [{ ...good, state: [0, 0, 0, 0] }, /setRngState: state is all zeros, which xoshiro128\*\* never leaves/],
      [{ ...good, spareNormal: NaN }, /setRngState: spareNormal must be null or a finite number, got NaN/],
      [{ ...good, spareNormal: "0.5" }, /spareNormal .*got "0.5"/],
      [{ ...good, spareNormal: undefined }, /spareNormal must be null or a finite number, got undefined/],
    ];
    for (const [state, message] of bad) {
      expect(() => setRngState(state as RngState), JSON.stringify(state)).toThrow(message);
      expect(getRngState(), `after ${JSON.stringify(state)}`).toEqual(good);
    }
    // The stream goes on exactly as if nothing had been tried.
    const after = draws();
    setRngState(good);
    expect(sameBits(draws(), after)).toBe(true);
  });
});
