export * from "./detect-resource.js";
export * from "./ec2-dmi.js";
export * from "./resource-attributes-env.js";
