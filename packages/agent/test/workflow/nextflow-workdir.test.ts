// What ties a process to a Nextflow task: the work-dir path (in its environment, working directory or
// arguments) and the task name in the wrapper's header, in both formats Nextflow has written.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENV_NXF_TASK_WORKDIR } from "@pipespan/semconv";
import { afterAll, describe, expect, it } from "vitest";
import { NextflowSource } from "../../src/attribution/nextflow-source.js";
import { parseCommandRunHeader, splitTaskName } from "../../src/workflow/nextflow/header.js";
import { parseWorkDir, shortHash, workDirInArgv } from "../../src/workflow/nextflow/work-dir.js";
import { Sim } from "../attribution/sim.js";

const H = "3f9a2c1e7b4d0f5a8e6c2b1d9f4e7a3c";
const DIR = `/mnt/scratch/rnaseq/work/3f/${H.slice(2)}`;

describe("work dirs", () => {
  it("recognises <workDir>/<2 hex>/<30 hex>, local or remote, and nothing looser", () => {
    expect(parseWorkDir(DIR)).toEqual({ dir: DIR, hash: H, root: "/mnt/scratch/rnaseq/work", remote: false });
    expect(parseWorkDir(`${DIR}/`)?.hash).toBe(H);
    expect(parseWorkDir(`s3://bucket/work/3f/${H.slice(2)}`)).toMatchObject({ hash: H, remote: true });
    expect(parseWorkDir(`/work/3F/${H.slice(2)}`)).toBeUndefined();
    expect(parseWorkDir(`/work/3f/${H.slice(2, 30)}`)).toBeUndefined();
    expect(parseWorkDir(`work/3f/${H.slice(2)}`)).toBeUndefined();
    expect(parseWorkDir("/tmp/nxf.Xa8sd9f0Qz")).toBeUndefined();
    expect(shortHash(H)).toBe("3f/9a2c1e");
  });

  it("finds the wrapper's path in arguments: the trace entry, a container's bash -c, an S3 copy for AWS Batch", () => {
    expect(workDirInArgv(["/bin/bash", `${DIR}/.command.run`, "nxf_trace"])?.dir).toBe(DIR);
    expect(workDirInArgv(["/bin/bash", "-ue", `${DIR}/.command.sh`])?.dir).toBe(DIR);
    expect(
      workDirInArgv(["/bin/bash", "-c", `eval $(nxf_container_env); /bin/bash ${DIR}/.command.run nxf_trace`])?.dir,
    ).toBe(DIR);
    expect(
      workDirInArgv([
        "bash",
        "-o",
        "pipefail",
        "-c",
        `trap "{ ret=$?; exit $ret; }" EXIT; aws s3 cp --only-show-errors s3://my-bucket/work/3f/${H.slice(2)}/.command.run - | bash 2>&1 | tee .command.log`,
      ]),
    ).toMatchObject({ dir: `s3://my-bucket/work/3f/${H.slice(2)}`, remote: true });
    expect(workDirInArgv(["bash", "-ue", ".command.run"])).toBeUndefined();
    expect(workDirInArgv(["cat", `${DIR}/.command.runner`])).toBeUndefined();
  });
});

describe("the wrapper's header", () => {
  it("reads the metadata block of current releases, after scheduler directives", () => {
    const text = [
      "#!/bin/bash",
      "#SBATCH -J nf-NFCORE_RNASEQ_RNASEQ_ALIGN_STAR_STAR_ALIGN_(WT_REP1)",
      "#SBATCH -o /mnt/work/3f/x/.command.log",
      "### ---",
      "### name: 'NFCORE_RNASEQ:RNASEQ:ALIGN_STAR:STAR_ALIGN (WT_REP1)'",
      "### container: 'community.wave.seqera.io/library/star:2.7.11b'",
      "### outputs:",
      "### - 'WT_REP1.Aligned.out.bam'",
      "### ...",
      "set -e",
    ].join("\n");
    expect(parseCommandRunHeader(text)).toEqual({
      name: "NFCORE_RNASEQ:RNASEQ:ALIGN_STAR:STAR_ALIGN (WT_REP1)",
      container: "community.wave.seqera.io/library/star:2.7.11b",
    });
  });

  it("reads the one-line comment of older releases, after a header script", () => {
    const text = ["#!/bin/bash", "NXF_CHDIR=/mnt/work/3f/x", "# NEXTFLOW TASK: FASTQC (sample 1)", "set -e"].join("\n");
    expect(parseCommandRunHeader(text)).toEqual({ name: "FASTQC (sample 1)" });
  });

  it("keeps quotes inside a name, drops control characters, ignores a `null` container", () => {
    const text = "#!/bin/bash\n### ---\n### name: 'say (it's \u0007ok)'\n### container: 'null'\n### ...\n";
    expect(parseCommandRunHeader(text)).toEqual({ name: "say (it's ok)" });
    expect(parseCommandRunHeader("#!/bin/bash\necho hello\n")).toEqual({});
  });

  it("splits a task name into process and tag", () => {
    expect(splitTaskName("RNASEQ:ALIGN (WT_REP1)")).toEqual({ process: "RNASEQ:ALIGN", tag: "WT_REP1" });
    expect(splitTaskName("MULTIQC")).toEqual({ process: "MULTIQC" });
    expect(splitTaskName("CALL (chr1 (part 2))")).toEqual({ process: "CALL", tag: "chr1 (part 2)" });
  });
});

describe("the Nextflow source on processes", () => {
  const root = mkdtempSync(join(tmpdir(), "pipespan-nfsrc-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const task = (name: string, hash: string, exitcode?: number): string => {
    const d = join(root, "work", hash.slice(0, 2), hash.slice(2));
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, ".command.run"), `#!/bin/bash\n### ---\n### name: '${name}'\n### ...\n`);
    if (exitcode !== undefined) writeFileSync(join(d, ".exitcode"), String(exitcode));
    return d;
  };

  it("joins the wrapper by its cwd, the script by its path, tools by NXF_TASK_WORKDIR; a retry is attempt 2", () => {
    const sim = new Sim();
    const src = new NextflowSource();
    const first = task("ALIGN (s1)", `aa${"0".repeat(30)}`, 1);
    const retry = task("ALIGN (s1)", `bb${"1".repeat(30)}`);
    const java = sim.spawn(["java", "-cp", "x", "nextflow.cli.Launcher", "run", "main.nf"]);
    expect(src.isManager(java, undefined)).toBe(true);
    const w1 = sim.spawn(["/bin/bash", "-ue", ".command.run"], { parent: java, cwd: first });
    const t1 = src.claim(w1);
    expect(t1).toMatchObject({ kind: "task", settled: true });
    const w2 = sim.spawn(["/bin/bash", "-ue", ".command.run"], { parent: java, cwd: retry });
    const script = sim.spawn(["/bin/bash", "-ue", `${retry}/.command.sh`], { parent: w2, cwd: "/elsewhere" });
    const tool = sim.spawn(["STAR"], { parent: script, cwd: "/elsewhere", env: { [ENV_NXF_TASK_WORKDIR]: retry } });
    const t2 = src.claim(w2);
    if (t1?.kind !== "task" || t2?.kind !== "task") throw new Error("not claimed");
    expect(t1.task.attempt).toBe(1);
    expect(t2.task).toMatchObject({ name: "ALIGN", spanName: "ALIGN (s1)", attempt: 2 });
    expect(src.claim(script)).toMatchObject({ task: t2.task });
    expect(src.claim(tool)).toMatchObject({ task: t2.task });
    // A cwd that looks like a work dir but holds no wrapper is not taken for one.
    const lookalike = join(root, "other", "cc", "2".repeat(30));
    mkdirSync(lookalike, { recursive: true });
    expect(src.claim(sim.spawn(["ls"], { cwd: lookalike }))).toBeUndefined();
  });
});
