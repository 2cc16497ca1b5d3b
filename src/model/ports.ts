// Ports: how steps name their outputs and where an output nobody reads goes.
// Vocabulary shared by the checker, the planner, the runtime, the graph and the
// tests runner, so it sits in the bottom layer that all of them may import.

/** The name of a step's main port (written as the step's own name). */
export const MAIN = "main";

/** A port's key as users write it: `core_ok` for the main port, `core_ok.invalid` otherwise. */
export const portKey = (step: string, port: string): string => (port === MAIN ? step : `${step}.${port}`);

/** Where an unconsumed port's records go. */
export type PortFate = "rejects" | "counted" | "dropped";
