# A builtin that neither OPA's WASM nor the host provides: loading the bundle must fail.
package timebuiltins_unprovided

formatted := time.format(0)
