/** Every entity class, registered once for the app, the tests and the migration CLI. */
export const ENTITIES: (new () => object)[] = [];
