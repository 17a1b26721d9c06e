// Keeps the build folder between Netlify builds: `sitegen build --cache
// build/cache` then updates build/site in place, making only what changed
// (see site/sitegen/incremental.py). Netlify restores nothing when the
// folder was never saved, and saves only after a successful build.
const FOLDER = "build";

module.exports = {
  async onPreBuild({ utils }) {
    const restored = await utils.cache.restore(FOLDER);
    console.log(restored ? `Restored ${FOLDER}/ from the build cache.` : `No ${FOLDER}/ in the build cache.`);
  },
  async onPostBuild({ utils }) {
    await utils.cache.save(FOLDER);
  },
};
