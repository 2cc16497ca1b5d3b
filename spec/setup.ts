// Loaded before every spec (scripts/test.mjs). fast-check keeps a generated array, string or
// object near 10 elements unless its `size` is given, even under a larger `maxLength`: a
// property written with `maxLength: 600` then never saw more than 10 calls. With this
// setting an explicit maximum is the size a property reaches, as its reader expects.
import fc from "fast-check";

fc.configureGlobal({ defaultSizeToMaxWhenMaxSpecified: true });
