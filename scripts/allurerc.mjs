// Allure Report 3 configuration for `npm run report`: one self-contained HTML file.
import { defineConfig } from 'allure';

export default defineConfig({
  name: 'StatefulSet conformance',
  output: './out/report',
  plugins: {
    awesome: {
      options: {
        singleFile: true,
        reportLanguage: 'en',
        groupBy: ['epic', 'feature', 'story'],
      },
    },
  },
});
