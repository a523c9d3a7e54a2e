/**
 * Random "adjective-noun-NNN" names for runs created without one, in the spirit of MLflow's
 * generated names. The word lists are our own.
 */
const ADJECTIVES = [
  "amber", "brave", "bright", "calm", "clever", "crisp", "daring", "eager", "fancy", "gentle",
  "glossy", "golden", "happy", "honest", "humble", "jolly", "keen", "kind", "lively", "lucky",
  "merry", "mighty", "nimble", "noble", "peppy", "polite", "proud", "quick", "quiet", "rapid",
  "rustic", "shiny", "silent", "smart", "snappy", "solid", "sunny", "swift", "tidy", "vivid",
  "warm", "wise", "witty", "zesty", "bold", "cosmic", "dapper", "elegant", "fluffy", "grand",
];

const NOUNS = [
  "otter", "falcon", "badger", "heron", "lynx", "panda", "koala", "walrus", "finch", "marten",
  "bison", "gecko", "ibis", "jackal", "lemur", "moose", "newt", "ocelot", "puffin", "quail",
  "raven", "salmon", "tapir", "urchin", "viper", "wombat", "yak", "zebra", "beetle", "crane",
  "dingo", "egret", "ferret", "gazelle", "hare", "iguana", "jay", "kiwi", "llama", "mole",
  "narwhal", "orca", "pika", "robin", "seal", "toad", "vole", "wren", "alpaca", "comet",
];

export function randomRunName(random: () => number = Math.random): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${Math.floor(random() * 1000)}`;
}
